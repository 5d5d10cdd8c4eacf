//! The CMS ICD-10 "order file" (`icd10cm_order_2026.txt`, `icd10pcs_order_2026.txt`), shared by
//! ICD-10-CM and ICD-10-PCS. Fixed width: order number (columns 1-5), code (7-13), header flag
//! (15: `0` header, `1` valid for claims), short description (17-76), long description (78-).

use super::fixed_width;

/// One line of an order file, checked for layout; the systems check the code's shape.
pub struct OrderLine {
    /// The code, undotted.
    pub code: String,
    /// Whether the code is valid on a claim (`false` for headers and PCS tables).
    pub billable: bool,
    /// The short description.
    pub short: String,
    /// The long description.
    pub long: String,
}

/// Parses one line, or says what is wrong with its layout.
pub fn parse(line: &str) -> Result<OrderLine, String> {
    // Columns are counted in bytes: the fixed part must be ASCII. The long description, last on
    // the line, may carry the accents the FY2026 titles use (Sézary).
    if !line.as_bytes().iter().take(77).all(u8::is_ascii) {
        return Err("columns 1-77 of the order file are ASCII; this line's are not".into());
    }
    if line.len() < 78 {
        return Err(format!("a line of the order file has at least 78 characters, this one {}", line.len()));
    }
    let order = fixed_width(line, 1, 5);
    if order.is_empty() || !order.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("columns 1-5 hold the order number, not {order:?}"));
    }
    for at in [6, 14, 16, 77] {
        if line.as_bytes()[at - 1] != b' ' {
            return Err(format!("column {at} must be blank (is the file fixed-width?)"));
        }
    }
    let code = fixed_width(line, 7, 13).to_string();
    let billable = match fixed_width(line, 15, 15) {
        "1" => true,
        "0" => false,
        other => return Err(format!("column 15 is the header flag, 0 or 1, not {other:?}")),
    };
    let short = fixed_width(line, 17, 76).to_string();
    let long = line[77..].trim().to_string();
    if short.is_empty() || long.is_empty() {
        return Err(format!("{code}: the short and long descriptions must not be empty"));
    }
    Ok(OrderLine { code, billable, short, long })
}
