"""Sheets in the official layout whose fields carry Kiwoom's value conventions (KIWOOM_FORMAT.md,
"Values"): direction-signed prices, signed changes and rates, zero-padded volumes, dates,
implied decimals, the ``A`` prefix of balances. Made up from the documented facts; nothing is
copied from Kiwoom's files.
"""

from __future__ import annotations

import json
from pathlib import Path

from kiwoom_codegen.regen.layout import SheetData, WorkbookData, save_workbook

from tests.support.fixtures import f

CHART_ROWS = [
    {
        "cur_prc": "-20800",
        "trde_qty": "000000009263135",
        "trde_prica": "1934",
        "dt": "20241107",
        "open_pric": "+21050",
        "high_pric": "+21150",
        "low_pric": "-20750",
        "pred_pre": "-150",
        "flu_rt": "-0.72",
    },
    {
        "cur_prc": "20950",
        "trde_qty": "12000",
        "trde_prica": "251",
        "dt": "20241106",
        "open_pric": "-0",
        "high_pric": "21000",
        "low_pric": "20900",
        "pred_pre": "0",
        "flu_rt": "0.00",
    },
]

DAILY_CHART = SheetData(
    api_id="ka10081",
    name="주식일봉차트조회요청",
    menu="국내주식 > 차트 > 주식일봉차트조회요청(ka10081)",
    url="/api/dostk/chart",
    request_body=(
        f(
            "stk_cd",
            "종목코드",
            required="Y",
            length=20,
            description="거래소별 종목코드\n(KRX:039490,NXT:039490_NX,SOR:039490_AL)",
        ),
        f("base_dt", "기준일자", required="Y", length=8, description="YYYYMMDD"),
        f("upd_stk_prc_tp", "수정주가구분", required="Y", length=1, description="0 or 1"),
    ),
    response_body=(
        f("stk_cd", "종목코드", length=6),
        f("stk_dt_pole_chart_qry", "주식일봉차트조회", type="LIST", length=None),
        f("- cur_prc", "현재가", length=20),
        f("- trde_qty", "거래량", length=20),
        f("- trde_prica", "거래대금", length=20),
        f("- dt", "일자", length=20),
        f("- open_pric", "시가", length=20),
        f("- high_pric", "고가", length=20),
        f("- low_pric", "저가", length=20),
        f("- pred_pre", "전일대비", length=20, description="현재가 - 전일종가"),
        f("- flu_rt", "등락율", length=20),
    ),
    request_example='{"stk_cd": "005930", "base_dt": "20241108", "upd_stk_prc_tp": "1"}',
    response_example=json.dumps(
        {
            "stk_cd": "005930",
            "stk_dt_pole_chart_qry": CHART_ROWS,
            "return_code": 0,
            "return_msg": "정상적으로 처리되었습니다",
        },
        ensure_ascii=False,
        indent=4,
    ),
)

SECTOR_PRICE = SheetData(
    api_id="ka20001",
    name="업종현재가요청",
    menu="국내주식 > 업종 > 업종현재가요청(ka20001)",
    url="/api/dostk/sect",
    request_body=(
        f(
            "mrkt_tp",
            "시장구분",
            required="Y",
            length=1,
            description="0:코스피, 1:코스닥, 2:코스피200",
        ),
        f("inds_cd", "업종코드", required="Y", length=3, description="001:종합(KOSPI), 002:대형주"),
    ),
    response_body=(
        f("cur_prc", "현재가", length=20, description="소수점 제거 (지수 값)"),
        f("flu_rt", "등락률", length=20),
        f("trde_qty", "거래량", length=20),
    ),
    request_example='{"mrkt_tp": "0", "inds_cd": "001"}',
    response_example=(
        '{"cur_prc": "-624191", "flu_rt": "-0.35", "trde_qty": "000312345", '
        '"return_code": 0, "return_msg": "정상적으로 처리되었습니다"}'
    ),
)

# A condition search's answer with rates as Kiwoom sends them: '000001500' is 1.50%.
CONDITION_RESULT = SheetData(
    api_id="ka90001",
    name="조건검색결과요청",
    menu="국내주식 > 조건검색 > 조건검색결과요청(ka90001)",
    url="/api/dostk/cond",
    request_body=(f("seq", "조건검색식 일련번호", required="Y", length=3),),
    response_body=(
        f("cond_list", "조건검색결과", type="LIST", length=None),
        f("- stk_cd", "종목코드", length=20),
        f("- flu_rt", "등락율", length=20, description="소수점3자리 (000001500 = 1.500%)"),
    ),
    request_example='{"seq": "1"}',
    response_example=(
        '{"cond_list": [{"stk_cd": "005930", "flu_rt": "000001500"}, '
        '{"stk_cd": "000660", "flu_rt": "-000000250"}], "return_code": 0}'
    ),
)

BALANCE = SheetData(
    api_id="kt00018",
    name="계좌평가잔고내역요청",
    menu="국내주식 > 계좌 > 계좌평가잔고내역요청(kt00018)",
    url="/api/dostk/acnt",
    request_body=(
        f("qry_tp", "조회구분", required="Y", length=1, description="1:합산, 2:개별"),
        f(
            "dmst_stex_tp",
            "국내거래소구분",
            required="Y",
            length=6,
            description="KRX:한국거래소,NXT:넥스트트레이드",
        ),
    ),
    response_body=(
        f("tot_pur_amt", "총매입금액", length=15),
        f("acnt_evlt_remn_indv_tot", "계좌평가잔고개별합산", type="LIST", length=None),
        f("- stk_cd", "종목번호", length=12),
        f("- stk_nm", "종목명", length=40),
        f("- evltv_prft", "평가손익", length=15),
        f("- prft_rt", "수익률(%)", length=12),
        f("- rmnd_qty", "보유수량", length=15),
        f("- pur_pric", "매입가", length=15),
    ),
    request_example='{"qry_tp": "1", "dmst_stex_tp": "KRX"}',
    response_example=json.dumps(
        {
            "tot_pur_amt": "000000017598258",
            "acnt_evlt_remn_indv_tot": [
                {
                    "stk_cd": "A005930",
                    "stk_nm": "삼성전자",
                    "evltv_prft": "-00000000196888",
                    "prft_rt": "-52.71",
                    "rmnd_qty": "000000000000003",
                    "pur_pric": "000000000124500",
                }
            ],
            "return_code": 0,
        },
        ensure_ascii=False,
    ),
)

NAMES = """\
[apis]
ka10081 = { group = "chart", method = "daily" }
ka20001 = { group = "sector", method = "price" }
ka90001 = { group = "condition", method = "results" }
kt00018 = { group = "account", method = "balance" }
"""

SHEETS = (DAILY_CHART, SECTOR_PRICE, CONDITION_RESULT, BALANCE)


def write_values_specs(directory: Path, *, overrides: str = "") -> Path:
    """A spec directory: the workbook, names.toml and (optionally) overrides.toml."""
    directory.mkdir(parents=True, exist_ok=True)
    save_workbook(WorkbookData(SHEETS), directory / "values.xlsx")
    (directory / "names.toml").write_text(NAMES, encoding="utf-8")
    if overrides:
        (directory / "overrides.toml").write_text(overrides, encoding="utf-8")
    return directory
