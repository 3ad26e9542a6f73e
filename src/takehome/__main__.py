from takehome.cli import main

main()
