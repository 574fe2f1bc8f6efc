/// The program's entry: the executor takeover is decided before the first task is enqueued,
/// then the command line is parsed and run.
@main
enum ProgramEntry {
    static func main() async {
        ExecutorTakeover.installIfWanted()
        await AIYouCommand.main()
    }
}
