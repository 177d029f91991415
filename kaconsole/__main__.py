from kaconsole.cli import main

raise SystemExit(main())
