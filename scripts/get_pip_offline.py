"""Offline stand-in for get-pip.py, used by ansible-test when it builds its venvs.

ensurepip runs in a subprocess: run in-process it ignores /etc/pip.conf.
"""
import subprocess
import sys

DROP = {"--no-setuptools", "--no-wheel"}


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
    args = [arg for arg in sys.argv[1:] if arg not in DROP]
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--upgrade"] + args)


if __name__ == "__main__":
    main()
