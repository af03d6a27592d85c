"""`python -m greeter` is the `greeter` command."""

import sys

from greeter.cli import main

sys.exit(main())
