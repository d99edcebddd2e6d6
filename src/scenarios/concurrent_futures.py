from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor

# --- Unified Interface for Pools ---
def task(n):
    return n * 2

# Use ThreadPoolExecutor for I/O tasks
with ThreadPoolExecutor(max_workers=3) as executor:
    futures = [executor.submit(task, i) for i in range(5)] # submits tasks to threads
    results = [f.result() for f in futures]             # retrieves results as they complete

# Use ProcessPoolExecutor for CPU tasks
with ProcessPoolExecutor() as executor:
    results = list(executor.map(task, range(10)))       # easy mapping of function to data
