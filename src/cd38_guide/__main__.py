"""``python -m cd38_guide`` runs the CLI."""

from cd38_guide.cli import main

raise SystemExit(main())
