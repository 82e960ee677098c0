"""A process that only waits (for the with_parent test): `python -m tests.support.sleeper`."""

import time

if __name__ == "__main__":
    time.sleep(120)
