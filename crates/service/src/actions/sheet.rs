//! The organisers' attendance sheet as a spreadsheet (rust_xlsxwriter): the action's title,
//! time and place, then one row per participant (by name where the reader may see it, by
//! pseudonym otherwise) with a column to sign.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

use crate::actions::outcomes::ParticipantView;
use model::Action;

/// The sheet's words for a participant's modality, seat and attendance.
fn french(code: &str) -> &str {
    match code {
        "on_site" => "sur place",
        "remote" => "en ligne",
        "registered" => "inscrit(e)",
        "waiting" => "liste d'attente",
        "present" => "présent(e)",
        "excused" => "excusé(e)",
        "absent" => "absent(e)",
        other => other,
    }
}

/// The workbook's bytes.
pub fn xlsx(action: &Action, people: &[ParticipantView]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Émargement")?;
    let bold = Format::new().set_bold();
    let boxed = Format::new().set_border(FormatBorder::Thin);
    let head = Format::new().set_bold().set_border(FormatBorder::Thin);
    sheet.write_string_with_format(0, 0, &action.action.title, &bold)?;
    sheet.write_string(
        1,
        0,
        format!(
            "Le {}, jusqu'à {}",
            crate::meetings::paris(action.action.gathering.starts_at),
            crate::pages::paris_time(action.action.gathering.ends_at)
        ),
    )?;
    if let Some(address) = &action.action.address {
        sheet.write_string(2, 0, address)?;
    }
    let columns = [
        ("Participant", 32.0),
        ("Agence France Travail", 32.0),
        ("Modalité", 12.0),
        ("Place", 16.0),
        ("Présence", 14.0),
        ("Signature", 28.0),
    ];
    for (col, (title, width)) in (0u16..).zip(columns) {
        sheet.write_string_with_format(4, col, title, &head)?;
        sheet.set_column_width(col, width)?;
    }
    for (row, person) in (5u32..).zip(people) {
        let name = person.name.as_deref().unwrap_or(&person.pseudonym);
        let cells = [
            name,
            person.agency.as_str(),
            french(&person.modality),
            french(&person.seat),
            person.attendance.as_deref().map_or("", french),
            "",
        ];
        for (col, text) in (0u16..).zip(cells) {
            sheet.write_string_with_format(row, col, text, &boxed)?;
        }
        sheet.set_row_height(row, 24)?;
    }
    workbook.save_to_buffer()
}
