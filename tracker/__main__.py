try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while starting: nothing was read or written
    import sys

    exec("pass")  # the Ctrl-C is handled: see tracker.interrupts.forget_the_interrupt

    sys.stderr.write("已中断：未保存任何更改。 / Interrupted: nothing was saved.\n")
    raise SystemExit(130) from None

raise SystemExit(main())
