from negdocs.cli import main

main()
