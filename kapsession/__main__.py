from kapsession.cli import main

raise SystemExit(main())
