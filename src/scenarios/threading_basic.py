import threading
import time

# --- Basic Threading ---
def print_numbers():
    for i in range(5):
        time.sleep(0.1)                                 # simulates I/O (waiting)
        print(f"Thread: {i}")

t1 = threading.Thread(target=print_numbers)             # creates thread object
t1.start()                                              # launches the thread
t1.join()                                               # waits for thread to finish before continuing
