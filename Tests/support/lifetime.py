"""How the tests' helper servers live and die.

A helper runs until its standard input closes or its parent process is gone, whichever comes
first: the parent may leak the pipe's write end into its children (then stdin never closes), and
it may block signals for them (Swift's Foundation.Process does), so neither alone is enough.
"""
import os
import signal
import sys
import threading
import time


def unblock_signals():
    """Undo a signal mask inherited from the parent, so SIGTERM ends us and our children."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def wait_for_parent():
    """Returns when stdin reaches end of file or the parent process has gone."""
    parent = os.getppid()
    done = threading.Event()

    def read_stdin():
        sys.stdin.read()
        done.set()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        done.set()

    threading.Thread(target=read_stdin, daemon=True).start()
    threading.Thread(target=watch_parent, daemon=True).start()
    done.wait()
