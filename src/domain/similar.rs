//! Names close to what a person typed on the command line: a loose pick (a
//! unique start of the name, or one typo away), and the closest names to
//! suggest when nothing is picked. Compared folded, as the search does.

use super::search::fold;

/// What a typed name picks among candidates, by their index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    One(usize),
    /// Several are as good: the person must say which.
    Several(Vec<usize>),
    None,
}

/// The typos a typed name may hold and still pick a name: one in a short one,
/// two in a longer one.
fn typos_allowed(typed: &str) -> usize {
    if typed.chars().count() <= 5 { 1 } else { 2 }
}

/// The candidate `typed` names: the one equal to it, else the only one it
/// starts, else the only one within a typo or two.
pub fn pick(typed: &str, names: &[&str]) -> Pick {
    let typed = fold(typed);
    if typed.is_empty() {
        return Pick::None;
    }
    let folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
    if let Some(i) = folded.iter().position(|n| *n == typed) {
        return Pick::One(i);
    }
    let starts: Vec<usize> = (0..names.len())
        .filter(|&i| folded[i].starts_with(&typed))
        .collect();
    match starts.as_slice() {
        [one] => return Pick::One(*one),
        [] => {}
        _ => return Pick::Several(starts),
    }
    let distances: Vec<usize> = folded
        .iter()
        .map(|n| strsim::damerau_levenshtein(&typed, n))
        .collect();
    let Some(&best) = distances.iter().min() else {
        return Pick::None;
    };
    if best > typos_allowed(&typed) {
        return Pick::None;
    }
    let at_best: Vec<usize> = (0..names.len()).filter(|&i| distances[i] == best).collect();
    match at_best.as_slice() {
        [one] => Pick::One(*one),
        _ => Pick::Several(at_best),
    }
}

/// How alike a typed (folded) text and a name are, from 0 to 1: the whole name,
/// or the best of its words ("meia" is close to "Vilanova de Meià").
fn likeness(typed: &str, name: &str) -> f64 {
    let name = fold(name);
    let whole = strsim::jaro_winkler(typed, &name);
    name.split_whitespace()
        .map(|word| strsim::jaro_winkler(typed, word))
        .fold(whole, f64::max)
}

/// The indexes of the `n` names most like `typed`, most alike first.
pub fn closest(typed: &str, names: &[&str], n: usize) -> Vec<usize> {
    let typed = fold(typed);
    let mut scored: Vec<(f64, usize)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (likeness(&typed, name), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(n).map(|(_, i)| i).collect()
}

/// The indexes of the `n` codes most like a typed code: fewest digits changed,
/// then nearest in value (a mistyped 252229 is next to 252228).
pub fn closest_codes(typed: &str, codes: &[u32], n: usize) -> Vec<usize> {
    let value: i64 = typed.trim().parse().unwrap_or(0);
    let digits = format!("{value:06}");
    let mut scored: Vec<(usize, i64, usize)> = codes
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            let edits = strsim::damerau_levenshtein(&digits, &format!("{code:06}"));
            (edits, (i64::from(code) - value).abs(), i)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMARQUES: [&str; 6] = [
        "Noguera",
        "Anoia",
        "Bages",
        "Pla d'Urgell",
        "Pla de l'Estany",
        "Urgell",
    ];

    #[test]
    fn a_unique_start_or_a_typo_picks_a_name() {
        assert_eq!(pick("noguer", &COMARQUES), Pick::One(0));
        assert_eq!(pick("NOGERA", &COMARQUES), Pick::One(0), "one letter missing");
        assert_eq!(pick("urgell", &COMARQUES), Pick::One(5), "the exact one first");
        assert_eq!(pick("pla", &COMARQUES), Pick::Several(vec![3, 4]));
        assert_eq!(pick("garrotxa", &COMARQUES), Pick::None);
        assert_eq!(pick("", &COMARQUES), Pick::None);
        assert_eq!(pick("bag", &COMARQUES), Pick::One(2));
    }

    #[test]
    fn the_closest_names_come_first() {
        let councils = ["Albesa", "Oliola", "Tiurana", "Vilanova de Meià", "Térmens"];
        assert_eq!(closest("tiurna", &councils, 1), [2]);
        assert_eq!(closest("meia", &councils, 1), [3]);
        assert_eq!(closest("termes", &councils, 1), [4]);
    }

    #[test]
    fn the_closest_codes_differ_by_fewest_digits() {
        let codes = [250024, 252228, 251370, 252320];
        assert_eq!(closest_codes("252229", &codes, 2), [1, 3]);
        assert_eq!(closest_codes("250042", &codes, 1), [0], "two digits swapped");
    }
}
