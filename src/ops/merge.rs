//! Trying a change again after someone else changed the same record: what the
//! person changed goes over the record as it is now, field by field; the fields
//! they left alone take the other person's values, so nothing of theirs is
//! undone without being seen.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// `mine` rebased from `base` onto `theirs`: each top-level field `mine` changed
/// from `base` is `mine`'s, every other one `theirs`'s. None if a record does not
/// turn into a JSON object (never for ocsae's records).
pub fn three_way<T: Serialize + DeserializeOwned>(base: &T, mine: &T, theirs: &T) -> Option<T> {
    let (base, mine, mut merged) = (
        serde_json::to_value(base).ok()?,
        serde_json::to_value(mine).ok()?,
        serde_json::to_value(theirs).ok()?,
    );
    let (base, mine, out) = (base.as_object()?, mine.as_object()?, merged.as_object_mut()?);
    for (field, value) in mine {
        if base.get(field) != Some(value) {
            out.insert(field.clone(), value.clone());
        }
    }
    serde_json::from_value(merged).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct R {
        holder: String,
        notes: String,
        status: u8,
    }

    #[test]
    fn my_fields_go_over_theirs_and_theirs_stay_where_i_changed_nothing() {
        let base = R {
            holder: "Maria Puig".into(),
            notes: String::new(),
            status: 0,
        };
        let mine = R {
            notes: "DNI a revisar".into(),
            ..base.clone()
        };
        let theirs = R {
            holder: "Maria Puig i Soler".into(),
            status: 2,
            ..base.clone()
        };
        let merged = three_way(&base, &mine, &theirs).unwrap();
        assert_eq!(
            merged,
            R {
                holder: "Maria Puig i Soler".into(),
                notes: "DNI a revisar".into(),
                status: 2,
            }
        );
        // Both changed one field: what I typed wins (I was told, and tried again).
        let mine = R {
            holder: "M. Puig".into(),
            ..base.clone()
        };
        assert_eq!(three_way(&base, &mine, &theirs).unwrap().holder, "M. Puig");
    }
}
