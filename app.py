"""`python app.py [--host H] [--port P]` serves the web app, the same as `cd38-guide serve`."""

import sys

from cd38_guide.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve", *sys.argv[1:]]))
