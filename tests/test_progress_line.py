"""tinynet.progress.ProgressLine: the one progress-line helper behind fit's bar and the lab's lines."""
import io

from tinynet.progress import ProgressLine


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_a_finished_line_replaces_the_live_one():
    out = Terminal()
    line = ProgressLine(stream=out, interval=0.0)
    assert line.live
    line.update("step 1/2 loss 0.51234")
    line.update("step 2/2")                      # shorter: the rest of the old text is blanked
    line.done("run 1 done")
    text = out.getvalue()
    assert text.endswith("\rrun 1 done\n")
    assert "\rstep 2/2" + " " * (len("step 1/2 loss 0.51234") - len("step 2/2")) in text
    assert not line.shown


def test_in_a_log_only_finished_lines_are_written():
    out = io.StringIO()                           # not a terminal: "\r" would not erase anything
    line = ProgressLine(stream=out, interval=0.0)
    line.update("step 1/2")
    line.done("run 1 done")
    line.close()
    assert out.getvalue() == "run 1 done\n"


def test_nothing_before_the_delay_and_nothing_when_disabled():
    out = Terminal()
    line = ProgressLine(stream=out, delay=60.0, interval=0.0)
    assert not line.update("step 1") and out.getvalue() == ""
    assert line.update("step 2", force=True)      # force: the final state is always shown
    line.close()
    assert out.getvalue() == "\rstep 2\n"
    quiet = ProgressLine(enabled=False, stream=out)
    quiet.update("x", force=True)
    quiet.done("y")
    assert out.getvalue() == "\rstep 2\n"
