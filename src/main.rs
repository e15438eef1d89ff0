fn main() -> std::process::ExitCode {
    ocsae::run()
}
