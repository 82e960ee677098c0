"""A process that only waits for a signal (the with_parent test): `python -m
tests.support.sleeper`."""

import signal

if __name__ == "__main__":
    signal.pause()
