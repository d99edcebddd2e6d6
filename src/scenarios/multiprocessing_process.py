import multiprocessing
import os

# --- Parallel Execution ---
# Bypasses the Global Interpreter Lock (GIL) by using separate memory spaces
def compute_heavy_task(n):
    print(f"Process {os.getpid()} calculating...")      # shows unique OS process ID
    return sum(i * i for i in range(n))

if __name__ == "__main__":                              # required on Windows for multiprocessing
    p1 = multiprocessing.Process(target=compute_heavy_task, args=(10**6,))
    p1.start()                                          # starts a new Python instance
    p1.join()                                           # joins main process
