"""tinynet leaves its objects to the OS at exit (tinynet.kernels.quick_exit): what a user keeps."""
import subprocess
import sys
import textwrap


def _run(body, tmp_path):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


REPORT_AT_EXIT = """
    import atexit, gc
    # Registered before tinynet's handler, so it runs after it (atexit is last-in, first-out).
    atexit.register(lambda: print("frozen" if gc.get_freeze_count() else "unfrozen"))
"""


def test_the_collector_is_frozen_at_exit_and_an_open_file_is_still_flushed(tmp_path):
    out = _run(REPORT_AT_EXIT + """
    import tinynet
    log = open("log.txt", "w")
    log.write("kept")          # never closed: flushed when the module is cleared
    """, tmp_path)
    assert out.split() == ["frozen"]
    assert (tmp_path / "log.txt").read_text() == "kept"


def test_finalizers_and_later_atexit_handlers_still_run(tmp_path):
    out = _run(REPORT_AT_EXIT + """
    import atexit, weakref
    import tinynet
    class Node: pass
    node = Node(); node.me = node          # a cycle
    weakref.finalize(node, print, "finalizer")
    atexit.register(print, "handler")
    """, tmp_path)
    assert out.split() == ["handler", "finalizer", "frozen"]


def test_unregistering_the_freeze_turns_it_off(tmp_path):
    out = _run(REPORT_AT_EXIT + """
    import atexit, gc
    import tinynet
    atexit.unregister(gc.freeze)
    """, tmp_path)
    assert out.split() == ["unfrozen"]
