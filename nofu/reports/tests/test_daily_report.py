"""日報: every cell of every sheet for the known day (scenario.DAY), and the command."""

from __future__ import annotations

import io
import tempfile
from datetime import datetime
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from nofu.audit.models import AuditEvent, DataExchange
from nofu.reports.documents import daily_workbook
from nofu.reports.tests import scenario
from nofu.reports.tests.helpers import NOW, grid, workbook
from nofu.test import BaseTestCase

TITLE_DAY = "対象日：令和7年12月1日（月）"
CENTER = "千葉市納付推進センター"
HEAD = ["項目", "内訳", "件数・率", "金額（円）", "備考"]


def dt(h: int, m: int) -> datetime:
    return datetime(2025, 12, 1, h, m)


class DailyReportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        scenario.build(operator=cls.olivia, supervisor=cls.sam)

    def setUp(self) -> None:
        self.wb = workbook(daily_workbook(scenario.DAY, now=NOW))

    def test_sheets(self) -> None:
        self.assertEqual(
            self.wb.sheetnames,
            [
                "日報",
                "納付約束",
                "納付書再発行",
                "取次ぎ",
                "苦情・トラブル",
                "国保資格喪失説明",
                "児童手当申出書",
                "情報取得",
            ],
        )

    def test_every_cell_of_the_summary(self) -> None:
        self.assertEqual(
            grid(self.wb["日報"]),
            [
                ["業務報告書（日報）"],
                [TITLE_DAY, None, None, None, CENTER],
                ["作成：2025/12/02 09:00\u3000提出期限：令和7年12月2日（火） 午前10時"],
                [],
                HEAD,
                # ア: 7 outbound calls = 4 not reached + 3 reached; 1 return call; 2 inbound
                ["ア 架電件数", "総架電件数", 7],
                [None, "不在数", 4, None, "不在 1／話中 1／留守番電話 1／不通・番号誤り 1"],
                [None, "着信件数（通話）", 3, None, "本人と通話 2／本人以外に伝言 1／拒否 0"],
                [None, "返電数", 1, None, "着信履歴を見た納付義務者からの返電"],
                [None, "受電件数", 2],
                # イ: one contact with a plan of two (20,000 + 30,000); a cancelled one left out
                [
                    "イ 納付約束",
                    "納付約束件数・金額",
                    1,
                    50000,
                    "約束2回分（分納を含む）。対象者は「納付約束」シート",
                ],
                ["ウ 納付書再発行", "再発行件数", 1, None, "対象者は「納付書再発行」シート"],
                ["エ 担当課別取次ぎ件数", "納税管理課", 1],
                [None, "東部市税事務所", 0],
                [None, "西部市税事務所", 0],
                [None, "市民税課", 0],
                [None, "資産税課", 0],
                [None, "健康保険課", 1],
                [None, "後期高齢者医療（健康保険課）", 0],
                [None, "介護保険管理課", 0],
                [None, "幼保運営課", 0],
                [None, "保健体育課（学校給食）", 0],
                [None, "その他", 0],
                [None, "取次ぎ合計", 2, None, "一覧は「取次ぎ」シート"],
                [
                    "オ 苦情・トラブル",
                    "発生件数",
                    1,
                    None,
                    "管理者・副管理者が対応。内容は「苦情・トラブル」シート",
                ],
                ["カ 口座振替勧奨", "勧奨件数", 1],
                ["キ 外国人（外国語）対応", "対応件数", 1, None, "英語 1"],
                [
                    "ク 国民健康保険料資格喪失手続きの説明・案内",
                    "説明・案内件数",
                    1,
                    None,
                    "対象者は「国保資格喪失説明」シート",
                ],
                ["ケ 国民健康保険料所得申告勧奨", "勧奨者件数", 1],
                [
                    "コ 児童手当・特例給付に係る学校給食費等の徴収に関する申出書",
                    "提出の約束件数",
                    1,
                    None,
                    "対象者は「児童手当申出書」シート",
                ],
                # サ: two numbers heard/researched that day (city data and earlier ones not)
                ["サ 情報取得（電話番号聴取等）", "電話番号", 2, None, "一覧は「情報取得」シート"],
                [None, "住所", 1],
                [None, "計", 3],
                [],
                HEAD,
                # calls A, B, C, D, G within hours; A, B (IVR), G answered; E, F after hours
                ["（参考）受電の応答率", "総受電件数（運営時間内）", 5, None, "電話システムの記録"],
                [None, "応答件数", 3, None, "うちIVRガイダンス 1"],
                [
                    None,
                    "応答率",
                    0.6,
                    None,
                    "目標90%以上。混雑時アナウンス 1・放棄 1は応答に含めず、時間外 2は除外",
                ],
            ],
        )

    def lst(self, name: str, width: int) -> list[list]:
        rows = grid(self.wb[name])
        self.assertEqual(rows[1], [TITLE_DAY, *[None] * (width - 2), CENTER])
        self.assertEqual(rows[2], [])
        return [rows[0], *rows[3:]]

    def test_every_cell_of_the_person_lists(self) -> None:
        self.assertEqual(
            self.lst("納付約束", 10),
            [
                ["納付約束 対象者一覧"],
                [
                    "No.",
                    "対応日時",
                    "宛名番号",
                    "氏名",
                    "債権番号",
                    "納付約束日",
                    "納付約束額",
                    "回数",
                    "状況",
                    "対応者ID",
                ],
                [1, dt(9, 30), "1000000001", "山田 太郎", "U0001;U0002",
                 datetime(2025, 12, 10), 20000, "1/2", "約束中", "OLI01"],
                [2, dt(9, 30), "1000000001", "山田 太郎", "U0001;U0002",
                 datetime(2026, 1, 10), 30000, "2/2", "約束中", "OLI01"],
                [None] * 8 + ["件数", 2],
            ],
        )  # fmt: skip
        self.assertEqual(
            self.lst("納付書再発行", 10),
            [
                ["納付書再発行 対象者一覧"],
                ["No.", "対応日時", "宛名番号", "氏名", "債権番号", "送付先", "送付先住所",
                 "口座振替案内", "状況", "対応者ID"],
                [1, dt(9, 30), "1000000001", "山田 太郎", "U0001;U0002", "登録住所",
                 "〒260-0026 千葉市中央区千葉港1-1 ベイハイツ101", "同封", "発送待ち", "OLI01"],
                [None] * 8 + ["件数", 1],
            ],
        )  # fmt: skip
        self.assertEqual(
            self.lst("取次ぎ", 9),
            [
                ["担当課別取次ぎ 一覧"],
                ["No.", "対応日時", "取次先課", "理由", "宛名番号", "氏名", "内容", "状況",
                 "対応者ID"],
                [1, dt(10, 15), "健康保険課", "減免・猶予の相談", "1000000002", "髙橋 𠮷子",
                 "国保料の減免について相談したいとのこと。", "未対応", "OLI01"],
                [2, dt(13, 0), "納税管理課", "苦情", "1000000004", "NGUYEN VAN AN",
                 "架電の頻度に関する苦情。", "未対応", "OLI01"],
                [None] * 7 + ["件数", 2],
            ],
        )  # fmt: skip
        self.assertEqual(
            self.lst("苦情・トラブル", 9),
            [
                ["苦情・トラブル 発生一覧"],
                ["No.", "発生日時", "宛名番号", "氏名", "内容", "対応者（管理者等）", "状況",
                 "対応結果", "受付者ID"],
                [1, dt(13, 0), "1000000004", "NGUYEN VAN AN",
                 "督促の電話が多すぎるとの苦情。頻度を控える旨を説明し了承を得た。",
                 "佐藤 サム", "解決", "架電間隔を2週間空ける。", "OLI01"],
                [None] * 7 + ["件数", 1],
            ],
        )  # fmt: skip
        self.assertEqual(
            self.lst("国保資格喪失説明", 8),
            [
                ["国民健康保険料資格喪失手続きの説明・案内 対象者一覧"],
                ["No.", "対応日時", "対応区分", "宛名番号", "氏名", "債権番号", "電話番号",
                 "対応者ID"],
                [1, dt(10, 15), "架電", "1000000002", "髙橋 𠮷子", "U0003", "090-1111-2222",
                 "OLI01"],
                [None] * 6 + ["件数", 1],
            ],
        )  # fmt: skip
        self.assertEqual(
            self.lst("児童手当申出書", 9),
            [
                ["児童手当・特例給付に係る学校給食費等の徴収に関する申出書 提出約束 対象者一覧"],
                ["No.", "対応日時", "対応区分", "宛名番号", "氏名", "債権番号", "児童氏名",
                 "学校名", "対応者ID"],
                [1, dt(11, 0), "受電", None, "鈴木 一郎", "K0001", "鈴木 花子",
                 "千葉市立中央小学校", "OLI01"],
                [None] * 7 + ["件数", 1],
            ],
        )  # fmt: skip
        self.assertEqual(
            self.lst("情報取得", 8),
            [
                ["情報取得（電話番号聴取等） 一覧"],
                ["No.", "取得日", "区分", "宛名番号", "氏名", "取得内容", "種別", "取得方法"],
                [1, datetime(2025, 12, 1), "電話番号", "1000000002", "髙橋 𠮷子",
                 "090-1111-2222", "携帯", "本人聴取"],
                [2, datetime(2025, 12, 1), "電話番号", "1000000004", "NGUYEN VAN AN",
                 "03-1234-5678", "勤務先", "調査"],
                [3, datetime(2025, 12, 1), "住所", None, "鈴木 一郎", "千葉市花見川区1-2-3",
                 None, "本人聴取"],
                [None] * 6 + ["件数", 3],
            ],
        )  # fmt: skip

    def test_laid_out_for_a4_landscape_with_print_areas(self) -> None:
        for ws in self.wb.worksheets:
            self.assertEqual(ws.page_setup.orientation, "landscape", ws.title)
            self.assertEqual(ws.page_setup.paperSize, 9, ws.title)  # A4
            self.assertTrue(ws.print_area, ws.title)
            for letter, dim in ws.column_dimensions.items():
                self.assertGreater(dim.width, 3, f"{ws.title}!{letter}")
        summary = self.wb["日報"]
        self.assertEqual(summary.print_area, "'日報'!$A$1:$E$38")
        # the summary fits one page: fit-to-page with the default 1 × 1
        self.assertTrue(summary.sheet_properties.pageSetUpPr.fitToPage)
        self.assertIn(summary.page_setup.fitToHeight, (None, 1))
        self.assertEqual(summary["A6"].font.name, "游ゴシック")

    def test_a_day_without_records_is_all_zeros_and_empty_lists(self) -> None:
        wb = workbook(daily_workbook(scenario.DAY.replace(day=3), now=NOW))
        rows = grid(wb["日報"])
        self.assertEqual(rows[5], ["ア 架電件数", "総架電件数", 0])
        self.assertEqual(rows[-1][:3], [None, "応答率", "－"])
        self.assertEqual(grid(wb["納付約束"])[4], ["該当なし"])


class DailyCommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        scenario.build(operator=cls.olivia, supervisor=cls.sam)

    def test_command_writes_the_file_and_registers_it(self) -> None:
        out = Path(tempfile.mkdtemp()) / "日報.xlsx"
        stdout = io.StringIO()
        call_command(
            "report", "daily", "--date", "2025-12-01", "--out", str(out), "--user", "mia",
            stdout=stdout,
        )  # fmt: skip
        self.assertIn("日報 令和7年12月1日（月）", stdout.getvalue())
        wb = workbook(out.read_bytes())
        self.assertEqual(grid(wb["日報"])[5], ["ア 架電件数", "総架電件数", 7])
        e = DataExchange.objects.get()
        self.assertEqual((e.direction, e.kind, e.file_name), ("out", "日報", "日報.xlsx"))
        self.assertEqual(e.rows_read, 11)  # the day's contact events
        self.assertEqual(AuditEvent.objects.get(action="report.daily").actor, self.mia)

    def test_into_a_folder_the_file_is_named_by_the_day(self) -> None:
        folder = Path(tempfile.mkdtemp())
        call_command(
            "report", "daily", "--date", "2025-12-01", "--out", str(folder), stdout=io.StringIO()
        )
        self.assertTrue((folder / "日報_20251201.xlsx").exists())
        new = folder / "not-yet"  # a folder that does not exist yet, written with a slash
        call_command(
            "report", "daily", "--date", "2025-12-01", "--out", f"{new}/", stdout=io.StringIO()
        )
        self.assertTrue((new / "日報_20251201.xlsx").is_file())
        with self.assertRaisesMessage(CommandError, ".xlsx で指定してください"):
            call_command("report", "daily", "--date", "2025-12-01", "--out", str(folder / "x.csv"))
