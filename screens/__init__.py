"""The Textual UI. Importing it sets how long a lone Esc is waited on (``ESCDELAY``) before Textual reads it."""

import os

#: milliseconds Textual waits after an ESC byte for the rest of an escape sequence (an arrow key is ESC [ A) before
#: it takes the ESC as the Esc key; Textual's default is 100. The user's own ESCDELAY is kept. See screens/driver.py.
ESCDELAY_MS = 25

os.environ.setdefault("ESCDELAY", str(ESCDELAY_MS))
