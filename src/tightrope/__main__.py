from tightrope.cli import main

raise SystemExit(main())
