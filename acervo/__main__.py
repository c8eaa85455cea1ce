from acervo.cli import main

raise SystemExit(main())
