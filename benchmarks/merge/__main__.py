from benchmarks.merge.run import main

main()
