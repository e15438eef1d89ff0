//! The office's ER operators: adding one (a name not yet listed, a card issued
//! by today), removing one, and which cards are due for renewal.

use super::{Field, RuleError};
use crate::domain::limits;
use crate::domain::operator::Operator;
use crate::domain::search::fold;
use crate::store::{Change, ChangeKind, Edit, Record};
use chrono::NaiveDate;

/// A new operator, or a new card for one already listed (same name, any case).
pub fn add(
    list: &[Operator],
    name: &str,
    card_issued_on: NaiveDate,
    today: NaiveDate,
) -> Result<Change, RuleError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(RuleError::Empty(Field::ContactName));
    }
    if !limits::fits(name, limits::NAME) {
        return Err(RuleError::TooLong {
            field: Field::ContactName,
            max: limits::NAME,
        });
    }
    if card_issued_on > today {
        return Err(RuleError::InFuture(Field::FormSentOn));
    }
    let after = Operator {
        name: name.to_string(),
        card_issued_on,
    };
    let change = match find(list, name) {
        Some(before) => Change::update(
            ChangeKind::OperatorAdd,
            Record::Operator(before.clone()),
            Record::Operator(Operator {
                name: before.name.clone(),
                card_issued_on,
            }),
        ),
        None => Change::new(
            ChangeKind::OperatorAdd,
            vec![Edit::create(Record::Operator(after))],
        ),
    };
    Ok(change)
}

/// The operator listed under this name, whatever its case and accents.
pub fn find<'a>(list: &'a [Operator], name: &str) -> Option<&'a Operator> {
    let folded = fold(name.trim());
    list.iter().find(|o| fold(&o.name) == folded)
}

/// Removes the operator named.
pub fn remove(list: &[Operator], name: &str) -> Option<Change> {
    let before = find(list, name)?;
    Some(Change::new(
        ChangeKind::OperatorRemove,
        vec![Edit {
            before: Some(Record::Operator(before.clone())),
            after: None,
        }],
    ))
}

/// The cards within 60 days of expiry (or past it), soonest first, with the days
/// left: what the Avui worklist and the expiry view remind of.
pub fn cards_to_renew(list: &[Operator], today: NaiveDate) -> Vec<(&Operator, i64)> {
    let mut due: Vec<(&Operator, i64)> = list
        .iter()
        .filter(|o| o.to_renew(today))
        .map(|o| (o, o.days_left(today)))
        .collect();
    due.sort_by_key(|(o, days)| (*days, o.name.clone()));
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn adding_removing_and_the_cards_to_renew() {
        let today = day("2026-12-30");
        let change = add(&[], " Laia Font ", day("2023-02-28"), today).unwrap();
        let Some(Record::Operator(laia)) = change.edits[0].after.clone() else {
            panic!("an operator");
        };
        assert_eq!(laia.name, "Laia Font");
        assert_eq!(
            add(&[], "  ", day("2023-02-28"), today),
            Err(RuleError::Empty(Field::ContactName))
        );
        assert!(
            add(&[], "Pol", day("2027-01-01"), today).is_err(),
            "a card from the future"
        );
        let pol = Operator {
            name: "Pol Vidal".into(),
            card_issued_on: day("2025-01-01"),
        };
        let list = vec![laia.clone(), pol.clone()];
        // Same name: a new card for the same operator.
        let renewed = add(&list, "laia font", day("2026-12-20"), today).unwrap();
        assert_eq!(renewed.edits[0].before, Some(Record::Operator(laia.clone())));
        assert_eq!(cards_to_renew(&list, today), [(&laia, 60)]);
        assert!(remove(&list, "Ningú").is_none());
        assert_eq!(remove(&list, "POL VIDAL").unwrap().edits[0].after, None);
    }
}
