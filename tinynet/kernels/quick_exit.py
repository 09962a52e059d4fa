"""A quick exit: the process's objects are left to the operating system, not freed one by one.

When the interpreter exits, CPython clears every module and then collects the reference
cycles this leaves behind. After one training step a tinynet process holds some 100,000
objects that the collector tracks (counted: importing numpy makes ~11,000, numba ~33,000,
tinynet and the first kernels it loads the rest), many of them in cycles; collecting and
freeing them is the slowest part of a short run's exit. Measured on 2 cores, as the median
of 8 alternating runs each: ``import tinynet``, one ``Dense(784, 256, relu)`` step and the
exit took 0.74 s, and 0.46 s with this module (``python benchmarks/bench_startup.py``
measures the same start).

The process is ending, and the operating system takes its whole memory back at once, so
at exit tinynet moves every object to the collector's permanent generation
(:func:`gc.freeze`), which no later collection visits. What this changes, and what not:

- objects outside cycles are freed as before when their modules are cleared: an open
  file that a module holds is still flushed and closed;
- objects in cycles are not collected at exit, so their ``__del__`` methods do not run
  then. Python does not promise that they run for objects alive at exit (its data model,
  ``object.__del__``); ``weakref.finalize`` callbacks and ``atexit`` handlers do run.

The handler is :func:`gc.freeze` itself, registered when tinynet is imported, so that
``atexit.unregister(gc.freeze)`` turns it off (to watch a leak checker at exit, say).
``atexit`` runs its handlers last-registered first: handlers registered after
``import tinynet`` run before the freeze, those registered before it run after.
"""
import atexit
import gc


def register():
    """Freeze the garbage collector at interpreter exit (see the module docstring)."""
    atexit.register(gc.freeze)
