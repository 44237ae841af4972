from nofu.cli import main

main()
