"""``python -m topodigit``: the command line (see :mod:`topodigit.cli`)."""

from topodigit.cli import main_entry

if __name__ == "__main__":
    main_entry()
