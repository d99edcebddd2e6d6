import threading
import time

# --- Race Conditions & Locks ---
counter = 0
lock = threading.Lock()                                 # creates a mutex lock

def increment():
    global counter
    for _ in range(100000):
        with lock:                                      # ensures only one thread modifies at a time
            counter += 1                                # critical section

threads = [threading.Thread(target=increment) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(f"Final counter: {counter}")                      # guaranteed 200000 with lock
