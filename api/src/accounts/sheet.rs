//! A class's activation sheet: an XLSX workbook with one slip per family, in Vietnamese,
//! for the homeroom teacher to cut apart and hand out — the school, the class, the
//! children, the guardian, what to sign in with, the code, when it expires and how to use
//! it. Four slips to a printed page.

use super::issue::Slip;

/// Rows one slip takes, the blank row after it included.
const ROWS_PER_SLIP: u32 = 10;
/// Slips printed on one page.
const SLIPS_PER_PAGE: u32 = 4;

/// What the sheet is for: the school's and the class's names.
pub struct Heading<'a> {
    pub school: &'a str,
    pub class: &'a str,
}

/// The steps printed on every slip.
const INSTRUCTIONS: &str = "Cách kích hoạt: mở ứng dụng EMIS, chọn \"Kích hoạt tài khoản\", nhập tên đăng nhập \
     (hoặc số điện thoại) và mã kích hoạt ở trên, rồi đặt mật khẩu mới (ít nhất 10 ký tự, không dùng mật khẩu \
     phổ biến). Mã chỉ dùng được một lần. Không đưa mã này cho người khác.";

/// The sheet of `slips` under `heading`, as XLSX bytes.
pub fn xlsx(heading: &Heading<'_>, slips: &[Slip]) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(crate::books::table::sheet_name(heading.class))?;
    let bold = Format::new().set_bold();
    let code = Format::new().set_bold().set_font_size(16);
    let wrapped = Format::new().set_text_wrap();
    worksheet.set_column_width(0, 18)?;
    worksheet.set_column_width(1, 70)?;
    let mut breaks = Vec::new();
    for (index, slip) in slips.iter().enumerate() {
        let slip_number = u32::try_from(index)?;
        let top = slip_number * ROWS_PER_SLIP;
        if slip_number > 0 && slip_number % SLIPS_PER_PAGE == 0 {
            breaks.push(top);
        }
        let children = slip
            .family
            .as_ref()
            .map(|family| family.children.iter().map(|child| child.name.as_str()).collect::<Vec<_>>().join(", "));
        let class = slip
            .family
            .as_ref()
            .and_then(|family| family.children.iter().find_map(|child| child.class.as_deref()))
            .unwrap_or(heading.class);
        worksheet.write_string_with_format(top, 0, "PHIẾU KÍCH HOẠT TÀI KHOẢN EMIS", &bold)?;
        let lines = [
            ("Trường", heading.school.to_owned()),
            ("Lớp", class.to_owned()),
            ("Học sinh", children.unwrap_or_default()),
            ("Phụ huynh", slip.holder.full_name.clone()),
            ("Tên đăng nhập", slip.holder.sign_in_with().unwrap_or_default().to_owned()),
        ];
        for (offset, (label, value)) in (1..).zip(lines) {
            worksheet.write_string(top + offset, 0, label)?;
            worksheet.write_string(top + offset, 1, &value)?;
        }
        worksheet.write_string(top + 6, 0, "Mã kích hoạt")?;
        worksheet.write_string_with_format(top + 6, 1, &slip.code, &code)?;
        worksheet.write_string(top + 7, 0, "Hết hạn")?;
        let expires = crate::clock::format_in_vietnam(slip.expires_at, "%H:%M ngày %d/%m/%Y");
        worksheet.write_string(top + 7, 1, &expires)?;
        worksheet.write_string_with_format(top + 8, 1, INSTRUCTIONS, &wrapped)?;
        worksheet.set_row_height(top + 8, 48)?;
    }
    if !breaks.is_empty() {
        worksheet.set_page_breaks(&breaks)?;
    }
    Ok(workbook.save_to_buffer()?)
}
