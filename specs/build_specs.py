"""The reviewed source of specs/kiwoom_credit_orders.xlsx.

Rebuild the workbook after editing this file:

    python specs/build_specs.py

Every table row below is copied from the project's seed documents (the developer portal's pages
for kt10006-kt10009, and for kt10009 the official sheet, which also gives its two examples). The
request examples of kt10006-kt10008 are the parameter values of the portal's sample code. The
error-code sheet holds the codes listed in KIWOOM_FORMAT.md with their meaning in English (the
official Korean messages are not among the project's sources). tests/test_specs_match_seeds.py
checks every row against the seeds.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiwoom_codegen.regen.layout import SheetData, WorkbookData, save_workbook

HERE = Path(__file__).resolve().parent
WORKBOOK = HERE / "kiwoom_credit_orders.xlsx"
URL = "/api/dostk/crdordr"
MENU = "국내주식 > 신용주문 > {name}({api_id})"
EXCHANGE = ("dmst_stex_tp", "국내거래소구분", "String", "Y", 3, "KRX,NXT,SOR")
TRADE_TYPE = (
    "0:보통 , 3:시장가 , 5:조건부지정가 , 81:장마감후시간외 , 61:장시작전시간외, 62:시간외단일가 , "
    "6:최유리지정가 , 7:최우선지정가 , 10:보통(IOC) , 13:시장가(IOC) , 16:최유리(IOC) , "
    "20:보통(FOK) , 23:시장가(FOK) , 26:최유리(FOK) , 28:스톱지정가,29:중간가,30:중간가(IOC),"
    "31:중간가(FOK)"
)
ORDER_RESPONSE = (
    ("ord_no", "주문번호", "String", "N", 7, ""),
    ("dmst_stex_tp", "국내거래소구분", "String", "N", 6, ""),
)


def sheet(api_id: str, name: str, **kw: object) -> SheetData:
    return SheetData(
        api_id=api_id,
        name=name,
        menu=MENU.format(name=name, api_id=api_id),
        url=URL,
        category="국내주식",
        subcategory="신용주문",
        **kw,  # type: ignore[arg-type]
    )


SHEETS = [
    sheet(
        "kt10006",
        "신용 매수주문",
        request_body=(
            EXCHANGE,
            ("stk_cd", "종목코드", "String", "Y", 12, ""),
            ("ord_qty", "주문수량", "String", "Y", 12, ""),
            ("ord_uv", "주문단가", "String", "N", 12, ""),
            ("trde_tp", "매매구분", "String", "Y", 2, TRADE_TYPE),
            ("cond_uv", "조건단가", "String", "N", 12, ""),
        ),
        response_body=ORDER_RESPONSE,
        request_example="""{
    "dmst_stex_tp": "KRX",
    "stk_cd": "005930",
    "ord_qty": "1",
    "ord_uv": "2580",
    "trde_tp": "0",
    "cond_uv": ""
}""",
    ),
    sheet(
        "kt10007",
        "신용 매도주문",
        request_body=(
            EXCHANGE,
            ("stk_cd", "종목코드", "String", "Y", 12, ""),
            ("ord_qty", "주문수량", "String", "Y", 12, ""),
            ("ord_uv", "주문단가", "String", "N", 12, ""),
            ("trde_tp", "매매구분", "String", "Y", 2, TRADE_TYPE),
            ("crd_deal_tp", "신용거래구분", "String", "Y", 2, "33:융자 , 99:융자합"),
            ("crd_loan_dt", "대출일", "String", "N", 8, "YYYYMMDD(융자일경우필수)"),
            ("cond_uv", "조건단가", "String", "N", 12, ""),
        ),
        response_body=ORDER_RESPONSE,
        request_example="""{
    "dmst_stex_tp": "KRX",
    "stk_cd": "005930",
    "ord_qty": "3",
    "ord_uv": "6450",
    "trde_tp": "0",
    "crd_deal_tp": "99",
    "crd_loan_dt": "",
    "cond_uv": ""
}""",
    ),
    sheet(
        "kt10008",
        "신용 정정주문",
        request_body=(
            EXCHANGE,
            ("orig_ord_no", "원주문번호", "String", "Y", 7, ""),
            ("stk_cd", "종목코드", "String", "Y", 12, ""),
            ("mdfy_qty", "정정수량", "String", "Y", 12, ""),
            ("mdfy_uv", "정정단가", "String", "Y", 12, ""),
            ("mdfy_cond_uv", "정정조건단가", "String", "N", 12, ""),
        ),
        response_body=(
            ("ord_no", "주문번호", "String", "N", 7, ""),
            ("base_orig_ord_no", "모주문번호", "String", "N", 7, ""),
            ("mdfy_qty", "정정수량", "String", "N", 12, ""),
            ("dmst_stex_tp", "국내거래소구분", "String", "N", 6, ""),
        ),
        request_example="""{
    "dmst_stex_tp": "KRX",
    "orig_ord_no": "0000455",
    "stk_cd": "005930",
    "mdfy_qty": "1",
    "mdfy_uv": "2590",
    "mdfy_cond_uv": ""
}""",
    ),
    sheet(
        "kt10009",
        "신용 취소주문",
        request_body=(
            EXCHANGE,
            ("orig_ord_no", "원주문번호", "String", "Y", 7, ""),
            ("stk_cd", "종목코드", "String", "Y", 12, ""),
            ("cncl_qty", "취소수량", "String", "Y", 12, "'0' 입력시 잔량 전부 취소"),
        ),
        response_body=(
            ("ord_no", "주문번호", "String", "N", 7, ""),
            ("base_orig_ord_no", "모주문번호", "String", "N", 7, ""),
            ("cncl_qty", "취소수량", "String", "N", 12, ""),
        ),
        request_example="""{
    "dmst_stex_tp": "KRX",
    "orig_ord_no": "0001615",
    "stk_cd": "005930",
    "cncl_qty": "1"
}""",
        response_example="""{
    "ord_no": "0001695",
    "base_orig_ord_no": "0001614",
    "cncl_qty": "000000000001",
    "return_code": 0,
    "return_msg": "매도취소 주문입력이 완료되었습니다."
}""",
    ),
]

ERROR_CODES = [
    (1501, "API ID is missing"),
    (1504, "API ID is not supported on this URI"),
    (1505, "Unknown API ID"),
    (1511, "A required input value is missing"),
    (1517, "Input value format is invalid"),
    (1687, "Recursive call is limited"),
    (1700, "Request rate per API exceeded"),
    (1701, "Total request rate exceeded"),
    (1702, "Request rate per API group exceeded"),
    (1901, "Unknown market code"),
    (1902, "Unknown stock code"),
    (1903, "Unknown stock code for this market"),
    (1999, "Unexpected error"),
    (8001, "App key check failed"),
    (8002, "App key check failed"),
    (8005, "Token is not valid"),
    (8010, "Token was issued to another IP"),
    (8030, "Real/mock trading mismatch of the app key"),
    (8031, "Real/mock trading mismatch of the token"),
    (8104, "API is not supported in mock trading"),
    (8200, "Not available to corporate customers"),
]


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else WORKBOOK
    save_workbook(WorkbookData(SHEETS, index=True, error_codes=ERROR_CODES), out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
