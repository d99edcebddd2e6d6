import asyncio

# --- Async/Await Basics ---
async def fetch_data(id):                               # defines a coroutine
    print(f"Task {id} starting...")
    await asyncio.sleep(1)                              # non-blocking wait (yields control to loop)
    print(f"Task {id} finished.")
    return {"id": id, "data": "success"}

# --- Running Tasks Concurrently ---
async def main():
    # schedule multiple coroutines at once
    task1 = asyncio.create_task(fetch_data(1))          # schedules execution
    task2 = asyncio.create_task(fetch_data(2))
    
    res1 = await task1                                  # waits for specific task result
    res2 = await task2
    
    # OR use gather for many tasks
    results = await asyncio.gather(fetch_data(3), fetch_data(4))
    print(results)

# asyncio.run(main())                                   # entry point to start the event loop
