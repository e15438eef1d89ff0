//! The one place values are turned into bytes: a format-version byte, then bincode.
//!
//! bincode 2.0.1 is pinned and unmaintained; keeping it behind these two
//! functions means a switch (to postcard, say) is a new version byte here.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The version byte written before every value.
pub const FORMAT_VERSION: u8 = 1;

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("empty value")]
    Empty,
    #[error("value in unknown format version {0}")]
    UnknownFormat(u8),
    #[error("undecodable value: {0}")]
    Decode(String),
    #[error("unencodable value: {0}")]
    Encode(String),
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = vec![FORMAT_VERSION];
    bincode::serde::encode_into_std_write(value, &mut out, config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    Ok(out)
}

/// Writes `value` without the version byte: a part of a larger value written a
/// piece at a time (a sequence is its length, as a `u64`, then its items).
pub fn encode_part<T: Serialize>(value: &T, out: &mut impl std::io::Write) -> Result<(), CodecError> {
    bincode::serde::encode_into_std_write(value, out, config())
        .map(drop)
        .map_err(|e| CodecError::Encode(e.to_string()))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    match bytes.split_first() {
        None => Err(CodecError::Empty),
        Some((&FORMAT_VERSION, body)) => {
            let (value, used) = bincode::serde::decode_from_slice(body, config())
                .map_err(|e| CodecError::Decode(e.to_string()))?;
            if used != body.len() {
                return Err(CodecError::Decode(format!(
                    "{} trailing bytes",
                    body.len() - used
                )));
            }
            Ok(value)
        }
        Some((&other, _)) => Err(CodecError::UnknownFormat(other)),
    }
}

/// Decodes the leading fields of a value (a struct whose fields are the first ones of
/// the encoded struct), ignoring the rest.
pub fn decode_leading<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    match bytes.split_first() {
        None => Err(CodecError::Empty),
        Some((&FORMAT_VERSION, body)) => bincode::serde::decode_from_slice(body, config())
            .map(|(value, _)| value)
            .map_err(|e| CodecError::Decode(e.to_string())),
        Some((&other, _)) => Err(CodecError::UnknownFormat(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_the_version_byte() {
        let bytes = encode(&("Tiurana", 69u32)).unwrap();
        assert_eq!(bytes[0], FORMAT_VERSION);
        assert_eq!(
            decode::<(String, u32)>(&bytes).unwrap(),
            ("Tiurana".to_string(), 69)
        );
    }

    #[test]
    fn the_leading_fields_decode_without_the_rest_but_whole_decoding_wants_all() {
        let bytes = encode(&("Tiurana", 69u32, vec![1u64; 1000])).unwrap();
        assert_eq!(
            decode_leading::<(String, u32)>(&bytes).unwrap(),
            ("Tiurana".to_string(), 69)
        );
        assert!(decode::<(String, u32)>(&bytes).is_err());
        assert!(decode_leading::<(String, u32)>(&bytes[..3]).is_err());
    }

    #[test]
    fn unknown_versions_and_garbage_are_errors_not_panics() {
        let mut bytes = encode(&42u64).unwrap();
        bytes[0] = 9;
        assert!(matches!(decode::<u64>(&bytes), Err(CodecError::UnknownFormat(9))));
        assert!(matches!(decode::<u64>(&[]), Err(CodecError::Empty)));
        assert!(decode::<String>(&[FORMAT_VERSION, 200, 1]).is_err());
        assert!(decode::<u8>(&[FORMAT_VERSION, 1, 2]).is_err());
    }
}
