use super::*;
use crate::domain::municipality::{Contact, ContactRole, IneCode};

fn council(ine: u32, name: &str, contacts: &[(&str, &str, &str)]) -> Municipality {
    Municipality {
        ine: IneCode(ine),
        name: name.into(),
        comarca: "Noguera".into(),
        population: 100,
        population_year: 2025,
        contacts: contacts
            .iter()
            .map(|(name, phone, email)| Contact {
                role: ContactRole::Secretary,
                name: (*name).into(),
                phone: (*phone).into(),
                email: (*email).into(),
            })
            .collect(),
        notes: String::new(),
        subscriber_form_sent_on: None,
    }
}

fn councils() -> Vec<Municipality> {
    vec![
        council(
            252228,
            "Tiurana",
            &[("Marta Vila", "973 45 00 02", "secretaria@tiurana.cat")],
        ),
        council(252440, "Vilanova de Meià", &[("Joan Puig", "973415005", "")]),
        council(
            250059,
            "Àger",
            &[("Anna Roca", "+34 973 45 51 00", "ajuntament@ager.cat")],
        ),
        council(251719, "Os de Balaguer", &[]),
        council(250404, "Balaguer", &[("Pere Solé", "973445194", "")]),
        council(250195, "Alòs de Balaguer", &[]),
        council(259999, "Vilanova de l'Aguda", &[]),
    ]
}

fn names(list: &[Municipality], query: &str) -> Vec<(String, MatchRank, Why)> {
    let index = CouncilIndex::new(list);
    let collation: Vec<CollationKey> = list.iter().map(|m| CollationKey::new(&m.name)).collect();
    index
        .search(&Query::new(query), &collation)
        .into_iter()
        .map(|h| (list[h.council].name.clone(), h.rank, h.why))
        .collect()
}

fn first(list: &[Municipality], query: &str) -> Option<(String, MatchRank, Why)> {
    names(list, query).into_iter().next()
}

#[test]
fn a_typo_in_a_name_is_forgiven() {
    let list = councils();
    let (name, rank, _) = first(&list, "tiurna").unwrap();
    assert_eq!((name.as_str(), rank), ("Tiurana", MatchRank::Typo));
    let (name, rank, _) = first(&list, "vilanoba de meia").unwrap();
    assert_eq!((name.as_str(), rank), ("Vilanova de Meià", MatchRank::Typo));
    // Two letters off in a long word; swapped neighbours are one edit.
    let both: Vec<String> = names(&list, "vilanobba").into_iter().map(|h| h.0).collect();
    assert_eq!(both, ["Vilanova de l'Aguda", "Vilanova de Meià"]);
    assert_eq!(first(&list, "tiruana").unwrap().0, "Tiurana");
    // Short words must be right: three letters allow none, seven one.
    assert_eq!(first(&list, "agr"), None);
    assert_eq!(first(&list, "tiuranna").unwrap().0, "Tiurana");
    assert_eq!(first(&list, "tuirnaa"), None, "three edits in eight letters");
    // While typing, the last word may be the start of a name's word.
    assert_eq!(first(&list, "tiurn").unwrap().0, "Tiurana");
    assert_eq!(first(&list, "xyzzy"), None);
}

#[test]
fn a_phone_number_is_found_by_its_digits_whatever_the_spacing() {
    let list = councils();
    for query in ["973 45 00 02", "+34973450002", "0034 973 450 002", "973-450-002"] {
        let (name, rank, why) = first(&list, query).unwrap();
        assert_eq!(name, "Tiurana", "{query}");
        assert_eq!(rank, MatchRank::Exact, "{query}");
        assert_eq!(
            why,
            Why::Contact {
                contact: 0,
                key: ContactKey::Phone
            }
        );
    }
    // A call from an unknown number: its last digits.
    let (name, rank, _) = first(&list, "450002").unwrap();
    assert_eq!((name.as_str(), rank), ("Tiurana", MatchRank::WordStart));
    assert_eq!(first(&list, "5100").unwrap().0, "Àger", "stored with +34");
    assert_eq!(first(&list, "97345").unwrap().1, MatchRank::Prefix);
    assert_eq!(names(&list, "97345").len(), 2, "Tiurana and Àger start so");
    assert_eq!(phone_digits("+34 973 45 00 02"), "973450002");
    assert_eq!(display_phone("973450002"), "973 450 002");
    assert_eq!(display_phone("+33 1 23 45 67 89"), "+33 1 23 45 67 89");
}

#[test]
fn an_ine_code_finds_its_council() {
    let list = councils();
    assert_eq!(
        first(&list, "252228").unwrap(),
        ("Tiurana".to_string(), MatchRank::Exact, Why::Ine)
    );
    let (name, rank, why) = first(&list, "25244").unwrap();
    assert_eq!(
        (name.as_str(), rank, why),
        ("Vilanova de Meià", MatchRank::Prefix, Why::Ine)
    );
}

#[test]
fn contact_names_and_addresses_say_which_contact_matched() {
    let list = councils();
    let (name, rank, why) = first(&list, "marta").unwrap();
    assert_eq!((name.as_str(), rank), ("Tiurana", MatchRank::Prefix));
    assert_eq!(
        why,
        Why::Contact {
            contact: 0,
            key: ContactKey::Name
        }
    );
    let (name, _, why) = first(&list, "vila marta").unwrap();
    assert_eq!(name, "Tiurana", "words in any order");
    assert!(matches!(
        why,
        Why::Contact {
            key: ContactKey::Name,
            ..
        }
    ));
    let (name, rank, why) = first(&list, "ajuntament@ager.cat").unwrap();
    assert_eq!((name.as_str(), rank), ("Àger", MatchRank::Exact));
    assert!(matches!(
        why,
        Why::Contact {
            key: ContactKey::Email,
            ..
        }
    ));
    let (name, _, why) = first(&list, "tiurana.cat").unwrap();
    assert_eq!(name, "Tiurana");
    assert!(matches!(
        why,
        Why::Contact {
            key: ContactKey::Email,
            ..
        }
    ));
}

#[test]
fn the_best_match_comes_first() {
    let list = councils();
    // Exact, then prefix, then word start; ties in Catalan order.
    let got = names(&list, "balaguer");
    let order: Vec<(&str, MatchRank)> = got.iter().map(|(n, r, _)| (n.as_str(), *r)).collect();
    assert_eq!(
        order,
        [
            ("Balaguer", MatchRank::Exact),
            ("Alòs de Balaguer", MatchRank::WordStart),
            ("Os de Balaguer", MatchRank::WordStart),
        ]
    );
    // Prefix before substring before typo.
    let list = vec![
        council(1, "Anova", &[]),
        council(2, "Vilanova", &[]),
        council(3, "Novalla", &[]),
        council(4, "Navàs", &[]),
    ];
    let got = names(&list, "nova");
    let order: Vec<(&str, MatchRank)> = got.iter().map(|(n, r, _)| (n.as_str(), *r)).collect();
    assert_eq!(
        order,
        [
            ("Novalla", MatchRank::Prefix),
            ("Anova", MatchRank::Substring),
            ("Vilanova", MatchRank::Substring),
            ("Navàs", MatchRank::Typo),
        ]
    );
    // A name match comes before a contact's at the same rank.
    let list = vec![
        council(1, "Marta", &[]),
        council(2, "Zeta", &[("Marta Vila", "", "")]),
    ];
    let got = names(&list, "marta");
    assert_eq!(got[0].0, "Marta");
    assert_eq!(got[1].0, "Zeta");
    assert_eq!(got[1].1, MatchRank::Prefix);
}

#[test]
fn the_index_follows_changes() {
    let mut list = councils();
    let mut index = CouncilIndex::new(&list);
    let query = Query::new("laia");
    assert!(index.matches(0, &query).is_none());
    list[0].contacts[0].name = "Laia Serra".into();
    index.put(0, &list[0]);
    assert!(index.matches(0, &query).is_some());
    index.remove(0);
    assert_eq!(index.len(), list.len() - 1);
    assert!(
        index.matches(0, &query).is_none(),
        "Vilanova de Meià is first now"
    );
}

#[test]
fn distances_count_each_kind_of_edit_once() {
    assert_eq!(osa_distance("tiurna", "tiurana", false, 2), Some(1));
    assert_eq!(osa_distance("tiruana", "tiurana", false, 2), Some(1));
    assert_eq!(osa_distance("vilanoba", "vilanova", false, 2), Some(1));
    assert_eq!(osa_distance("abcd", "wxyz", false, 2), None);
    assert_eq!(osa_distance("tiur", "tiurana", true, 1), Some(0));
    assert_eq!(osa_distance("tiurn", "tiurana", true, 1), Some(1));
    assert_eq!(osa_distance("tiurn", "tiurana", false, 1), None);
    assert_eq!(osa_distance("", "abc", false, 2), None, "three inserts");
    assert_eq!(osa_distance("a".repeat(40).as_str(), "a", false, 2), None);
}
