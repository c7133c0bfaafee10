"""How fast a rehearsal may run. Its own module so the command line can name the limits without
importing the session model (which costs every `kapsession` command about 0.3 s)."""

DEFAULT_SPEED = 10
MIN_SPEED = 1
MAX_SPEED = 120
