//! Diagnostics about the input itself: text, YAML, structure and version. They come from
//! reading and schema validation rather than from a check over the model, so they share this
//! file; each is still its own rule with its own code and documentation.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports input that is not valid YAML: a syntax error, a tab used for indentation, an
    /// unclosed quote or bracket.
    ///
    /// ## Why is this bad?
    /// Nothing in a file that does not parse can be checked or rendered; the error points at
    /// the first place the parser could not continue.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api: { minReplicas: 2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api: { minReplicas: 2 }
    /// ```
    pub static INVALID_YAML = {
        code: "SG001", name: "invalid-yaml", severity: Error, commands: [Validate, Check],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in the same mapping.
    ///
    /// ## Why is this bad?
    /// YAML forbids it, and tools disagree on which value wins: kubectl keeps the last one,
    /// other readers the first or refuse the file. Whichever you meant, someone reads the other.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   maxReplicas: 6
    ///   maxReplicas: 10
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   maxReplicas: 10
    /// ```
    pub static DUPLICATE_KEY = {
        code: "SG002", name: "duplicate-key", severity: Error, commands: [Validate, Check],
    };
}

declare_rule! {
    /// ## What it does
    /// Refuses input beyond scalegen's safety limits: nesting deeper than 64 levels, aliases
    /// that expand to more values than the file could plausibly hold (a "billion laughs"
    /// alias bomb), or a file larger than scalegen reads.
    ///
    /// ## Why is this bad?
    /// Such input exhausts memory or time in any YAML reader. No real autoscaling config needs
    /// it; it is a mistake or an attack, and scalegen stops at once instead of hanging.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a [x, x, x, x, x, x, x, x, x]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # ... nine more levels
    /// ```
    ///
    /// ## Use instead
    /// Write the values out, or use a few anchors for shared settings.
    pub static INPUT_TOO_LARGE = {
        code: "SG003", name: "input-too-large", severity: Error, commands: [Validate, Check],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a file that is not text: invalid UTF-8, or binary content such as NUL bytes.
    ///
    /// ## Why is this bad?
    /// YAML is UTF-8 text. A binary file in a manifest folder, or a file saved in another
    /// encoding, cannot be read; the diagnostic points at the first offending byte.
    ///
    /// ## Example
    /// A services file saved as Latin-1 with `notes: Café` (byte `0xE9`).
    ///
    /// ## Use instead
    /// Save the file as UTF-8.
    pub static NOT_TEXT = {
        code: "SG004", name: "not-text", severity: Error, commands: [Validate, Check],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a file with no content: empty, or only comments.
    ///
    /// ## Why is this bad?
    /// An empty services file defines no services; it is almost always a truncated or unsaved
    /// file.
    ///
    /// ## Example
    /// ```yaml
    /// # scalegen.yaml
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// version: 1
    /// services:
    ///   api: { maxReplicas: 6 }
    /// ```
    pub static EMPTY_FILE = {
        code: "SG005", name: "empty-file", severity: Error, commands: [Validate],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a field the schema does not know, with the closest known name.
    ///
    /// ## Why is this bad?
    /// A misspelt field is silently ignored by most readers: `averageUtilisation` leaves the
    /// target unset, `maxReplicsa` leaves the default in force, and the mistake only shows in
    /// production.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   maxReplicsa: 10
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   maxReplicas: 10
    /// ```
    pub static UNKNOWN_FIELD = {
        code: "SG010", name: "unknown-field", severity: Error, commands: [Validate, Check],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a value of the wrong type: text where a number belongs, a list where a mapping
    /// belongs, a `null`.
    ///
    /// ## Why is this bad?
    /// The value cannot mean what it says. `maxReplicas: "ten"` is refused by the API server;
    /// `window: soon` means nothing to anyone.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   maxReplicas: ten
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   maxReplicas: 10
    /// ```
    pub static INVALID_TYPE = {
        code: "SG011", name: "invalid-type", severity: Error, commands: [Validate, Check],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a value of the right type but the wrong form: a duration that does not parse
    /// (`60 s`), a quantity that does not parse (`250 millicores`), a value outside a fixed
    /// set (`select: maximum`), a number beyond what the field can hold.
    ///
    /// ## Why is this bad?
    /// Such a value is refused by the API server or read as something else than intended.
    ///
    /// ## Example
    /// ```yaml
    /// scaleDown:
    ///   window: 5 minutes
    ///   select: maximum
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleDown:
    ///   window: 5m
    ///   select: max
    /// ```
    pub static INVALID_VALUE = {
        code: "SG012", name: "invalid-value", severity: Error, commands: [Validate, Check],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a required field that is missing.
    ///
    /// ## Why is this bad?
    /// Without it the object is incomplete: a policy without `period` has no rate, a
    /// services file without `version` may be read by a future scalegen as another format.
    ///
    /// ## Example
    /// ```yaml
    /// policies:
    ///   - pods: 2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// policies:
    ///   - { pods: 2, period: 60s }
    /// ```
    pub static MISSING_FIELD = {
        code: "SG013", name: "missing-field", severity: Error, commands: [Validate, Check],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a services file or policy whose `version` this scalegen does not read.
    ///
    /// ## Why is this bad?
    /// A later format may mean different things by the same fields; reading it as version 1
    /// would render wrong manifests without a word.
    ///
    /// ## Example
    /// ```yaml
    /// version: 2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// version: 1
    /// ```
    /// or upgrade scalegen.
    pub static UNSUPPORTED_VERSION = {
        code: "SG014", name: "unsupported-version", severity: Error, commands: [Validate, Check],
    };
}
