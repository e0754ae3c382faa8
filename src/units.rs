//! Durations (`1m30s`) and Kubernetes quantities (`250m`, `256Mi`), parsed exactly.

use std::fmt;

/// A duration in whole seconds, written `45s`, `5m`, `1h`, `1m30s` or as a bare integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u32);

impl Duration {
    pub const fn seconds(self) -> u32 {
        self.0
    }

    /// Parses the text form; `None` for anything else, including overflow.
    pub fn parse(text: &str) -> Option<Duration> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Ok(seconds) = text.parse::<u32>() {
            return Some(Duration(seconds));
        }
        let mut total: u32 = 0;
        let mut digits = String::new();
        // Units must come in order, each at most once: `1h30m` but not `30m1h` or `1m1m`.
        let mut last_rank = 0;
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let (rank, scale) = match c {
                'h' => (1, 3600),
                'm' => (2, 60),
                's' => (3, 1),
                _ => return None,
            };
            if digits.is_empty() || rank <= last_rank {
                return None;
            }
            last_rank = rank;
            let value: u32 = digits.parse().ok()?;
            total = total.checked_add(value.checked_mul(scale)?)?;
            digits.clear();
        }
        digits.is_empty().then_some(Duration(total))
    }
}

/// As whole seconds (what templates and JSON consumers compute with).
impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0)
    }
}

impl fmt::Display for Duration {
    /// The shortest exact form: `60s` stays `60s` (how people write windows), `90s` is `90s`,
    /// whole hours and minutes above a minute are `5m`, `1h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        if s > 60 && s.is_multiple_of(3600) {
            write!(f, "{}h", s / 3600)
        } else if s > 60 && s.is_multiple_of(60) {
            write!(f, "{}m", s / 60)
        } else {
            write!(f, "{s}s")
        }
    }
}

/// A Kubernetes resource quantity, held exactly as an integer number of milli-units (CPU
/// millicores, memory milli-bytes), as the HPA controller computes with them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity {
    pub milli: i128,
}

impl Quantity {
    /// Parses `250m`, `0.5`, `1`, `256Mi`, `1G`, `1e3`. Fractions below a milli-unit round up, as
    /// Kubernetes rounds requests.
    pub fn parse(text: &str) -> Option<Quantity> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(split);
        let (negative, number) = match number.as_bytes().first() {
            Some(b'-') => (true, &number[1..]),
            Some(b'+') => (false, &number[1..]),
            _ => (false, number),
        };
        if number.is_empty() || number.contains(['+', '-']) {
            return None;
        }
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        if !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        // value = digits × 10^-len(fraction) × multiplier, in milli-units.
        let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
        let mut scale_exp: i32 = -(fraction.len() as i32) + 3;
        let mut binary: i128 = 1;
        match suffix {
            "" => {}
            "n" => scale_exp -= 9,
            "u" => scale_exp -= 6,
            "m" => scale_exp -= 3,
            "k" => scale_exp += 3,
            "M" => scale_exp += 6,
            "G" => scale_exp += 9,
            "T" => scale_exp += 12,
            "P" => scale_exp += 15,
            "E" => scale_exp += 18,
            "Ki" => binary = 1 << 10,
            "Mi" => binary = 1 << 20,
            "Gi" => binary = 1 << 30,
            "Ti" => binary = 1 << 40,
            "Pi" => binary = 1 << 50,
            "Ei" => binary = 1 << 60,
            _ => {
                let exponent = suffix.strip_prefix(['e', 'E'])?;
                scale_exp += exponent.parse::<i32>().ok()?;
            }
        }
        let mut milli = digits.checked_mul(binary)?;
        if scale_exp >= 0 {
            milli = milli.checked_mul(10i128.checked_pow(scale_exp.try_into().ok()?)?)?;
        } else {
            let divisor = 10i128.checked_pow((-scale_exp).try_into().ok()?)?;
            milli = (milli + divisor - 1) / divisor;
        }
        Some(Quantity {
            milli: if negative { -milli } else { milli },
        })
    }

    /// Reads a quantity from YAML, where `cpu: 1` and `cpu: 0.5` are numbers.
    pub fn from_json(value: &serde_json::Value) -> Option<Quantity> {
        match value {
            serde_json::Value::String(s) => Quantity::parse(s),
            serde_json::Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => None,
        }
    }

    /// CPU in cores as Docker Compose writes it (`"0.25"`).
    pub fn cores_text(&self) -> String {
        let whole = self.milli / 1000;
        let frac = self.milli.rem_euclid(1000);
        if frac == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{frac:03}")
                .trim_end_matches('0')
                .to_owned()
        }
    }

    /// Whole bytes (rounded up).
    pub fn bytes(&self) -> i128 {
        (self.milli + 999).div_euclid(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let d = |s| Duration::parse(s).map(Duration::seconds);
        assert_eq!(d("45s"), Some(45));
        assert_eq!(d("5m"), Some(300));
        assert_eq!(d("1h"), Some(3600));
        assert_eq!(d("1m30s"), Some(90));
        assert_eq!(d("120"), Some(120));
        assert_eq!(d("1h1m1s"), Some(3661));
        for bad in [
            "",
            "soon",
            "m",
            "30m1h",
            "1m1m",
            "1.5m",
            "-5s",
            "99999999999s",
            "5 m",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
        assert_eq!(Duration(60).to_string(), "60s");
        assert_eq!(Duration(120).to_string(), "2m");
        assert_eq!(Duration(90).to_string(), "90s");
        assert_eq!(Duration(3600).to_string(), "1h");
    }

    #[test]
    fn quantities() {
        let q = |s| Quantity::parse(s).map(|q| q.milli);
        assert_eq!(q("250m"), Some(250));
        assert_eq!(q("0.5"), Some(500));
        assert_eq!(q("1"), Some(1000));
        assert_eq!(q(".5"), Some(500));
        assert_eq!(q("256Mi"), Some(256 * 1024 * 1024 * 1000));
        assert_eq!(q("1G"), Some(1_000_000_000_000));
        assert_eq!(q("1e3"), Some(1_000_000));
        assert_eq!(q("100n"), Some(1), "sub-milli rounds up");
        assert_eq!(q("-1"), Some(-1000));
        for bad in ["", "m", "1.2.3", "12Q", "1Mib", "abc", "1-2", "."] {
            assert_eq!(q(bad), None, "{bad}");
        }
        assert_eq!(Quantity::parse("250m").unwrap().cores_text(), "0.25");
        assert_eq!(Quantity::parse("2").unwrap().cores_text(), "2");
        assert_eq!(Quantity::parse("1500m").unwrap().cores_text(), "1.5");
        assert_eq!(Quantity::parse("256Mi").unwrap().bytes(), 268_435_456);
    }
}
