import multiprocessing
import os

# --- Parallel Execution ---
# Bypasses the Global Interpreter Lock (GIL) by using separate memory spaces
def compute_heavy_task(n):
    print(f"Process {os.getpid()} calculating...")      # shows unique OS process ID
    return sum(i * i for i in range(n))

if __name__ == "__main__":                              # required on Windows for multiprocessing
# --- Using a Pool ---
    with multiprocessing.Pool(processes=4) as pool:     # creates a pool of 4 workers
        results = pool.map(compute_heavy_task, [10**6, 10**7, 10**8]) # distributes tasks
