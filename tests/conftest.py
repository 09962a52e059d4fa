"""Set-up shared by the tests in this folder."""
import signal

# A shell starts a background job (`pytest &`, a CI step run with `&`) with SIGINT ignored,
# and every process it starts inherits that: the tests that press Ctrl-C on a tinynet
# command would then see it run on. A handler (unlike "ignored") is reset to the default
# in each new program, so with this one the commands the tests start receive SIGINT again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
