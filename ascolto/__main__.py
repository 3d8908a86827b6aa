"""``python -m ascolto``: the same command line as the installed ``ascolto`` script."""
from ascolto.cli import main

main(prog_name="ascolto")
