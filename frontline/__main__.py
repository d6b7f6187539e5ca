"""`python -m frontline ...`: the same command line as the `frontline` script."""

from frontline.cli import main

if __name__ == "__main__":
    main()
