//! NO_COLOR: no colour SGR at all reaches the terminal, not even the default
//! colours' resets (39, 49, 59), on any screen, popup or quit; the selection
//! is shown in reverse video. The release binary in a pseudo-terminal.

mod common;

use common::pty::spawn;

/// Every SGR parameter list the program sent that names a colour: set (30–38,
/// 40–48, 58, 90–97, 100–107) or reset to the default (39, 49, 59).
fn colour_sequences(out: &str) -> Vec<String> {
    let mut found = Vec::new();
    for seq in out.split("\x1b[").skip(1) {
        let Some(end) = seq.find(|c: char| c.is_ascii_alphabetic()) else {
            continue;
        };
        if &seq[end..=end] != "m" {
            continue;
        }
        let colour = seq[..end].split(';').any(|param| {
            matches!(
                param.parse::<u32>().unwrap_or(0),
                30..=39 | 40..=49 | 58 | 59 | 90..=97 | 100..=107
            )
        });
        if colour {
            found.push(format!("ESC[{}m", &seq[..end]));
        }
    }
    found
}

fn run(no_color: &str) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let mut s = spawn(home.path(), &[], &[("NO_COLOR", no_color)], 80, 24);
    s.wait_for("Àger");
    for (key, shows) in [
        ("j", "Àger"),
        ("2", "TRA VOB"),
        ("3", "Termini"),
        ("4", "Activitat"),
        ("?", "Ajuda"),
    ] {
        s.send(key);
        s.wait_for(shows);
    }
    s.send("?");
    s.wait_gone("Ajuda ·");
    // A form over the requests, then the message log, each closed with Esc.
    s.send("3");
    s.send("n");
    s.wait_for("Nova sol·licitud T-CAT");
    s.send("\x1b");
    s.wait_gone("Nova sol·licitud T-CAT");
    s.send("m");
    s.wait_for("Missatges");
    s.send("\x1b");
    s.wait_gone("Missatges");
    s.send("0");
    s.send("1");
    s.wait_for("Àger");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    colour_sequences(&String::from_utf8_lossy(&s.output()))
}

#[test]
fn no_color_sends_no_colour_sequence_not_even_a_reset_to_the_default() {
    assert_eq!(run("1"), Vec::<String>::new());
    // Set to anything, as the README says: empty too.
    assert_eq!(run(""), Vec::<String>::new());
}
