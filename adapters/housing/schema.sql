-- 住房和城乡建设局 Housing Bureau: legacy contract-filing and dwelling-count
-- database (reference copy with synthetic data, see adapters/datagen).
--
-- Dates are 'YYYY-MM-DD' text, prices in fen (0.01 yuan), areas as the text
-- the filing form carried ('89.50'). The adapter (adapters/housing) maps the
-- tables to housing.sale_contract and housing.dwelling_count.

-- 备案状态 filing status.
CREATE TABLE DM_BAZT (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_BAZT (DM, MC) VALUES ('1', '已备案'), ('9', '已撤销');

-- 家庭关系 relation to the family's applicant.
CREATE TABLE DM_JTGX (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_JTGX (DM, MC) VALUES ('0', '本人'), ('1', '配偶'), ('2', '子女');

-- 合同备案 filed sale contracts of existing housing.
CREATE TABLE HT_BA (
  BAID   INTEGER PRIMARY KEY,
  HTBH   TEXT NOT NULL UNIQUE,  -- 合同编号 e.g. Y2024001234
  BDCDYH TEXT NOT NULL,         -- 不动产单元号 of the unit sold
  FWZL   TEXT NOT NULL,         -- 房屋坐落
  JZMJ   TEXT NOT NULL,         -- 建筑面积 m², text as filed
  CJJG   INTEGER NOT NULL,      -- 成交价格 in fen
  QYRQ   TEXT NOT NULL,         -- 签约日期
  BARQ   TEXT NOT NULL,         -- 备案日期
  BAZT   TEXT NOT NULL,         -- 备案状态 -> DM_BAZT
  CXRQ   TEXT                   -- 撤销日期; NULL unless cancelled
);

-- 交易方 parties of a filed contract.
CREATE TABLE HT_JYF (
  JYFID INTEGER PRIMARY KEY,
  BAID  INTEGER NOT NULL,       -- -> HT_BA
  JYFLB TEXT NOT NULL,          -- 交易方类别: '1' 出卖人 seller, '2' 买受人 buyer
  SXH   INTEGER NOT NULL,       -- 顺序号 within its side
  XM    TEXT NOT NULL,          -- 姓名/名称
  ZJHM  TEXT NOT NULL           -- 证件号码
);
CREATE INDEX HT_JYF_ZJHM ON HT_JYF (ZJHM);
CREATE INDEX HT_JYF_BAID ON HT_JYF (BAID);

-- 家庭住房套数核查 dwelling counts, one row per family.
CREATE TABLE FW_TJ (
  JTBH    TEXT PRIMARY KEY,     -- 家庭编号
  SQRXM   TEXT NOT NULL,        -- 申请人姓名
  SQRZJHM TEXT NOT NULL,        -- 申请人证件号码
  TS      INTEGER NOT NULL,     -- 住房套数
  HCRQ    TEXT NOT NULL         -- 核查日期
);

-- 家庭成员 members of a counted family.
CREATE TABLE FW_TJ_CY (
  CYID INTEGER PRIMARY KEY,
  JTBH TEXT NOT NULL,           -- -> FW_TJ
  XM   TEXT NOT NULL,
  ZJHM TEXT NOT NULL,
  GX   TEXT NOT NULL            -- 关系 -> DM_JTGX
);
CREATE INDEX FW_TJ_CY_ZJHM ON FW_TJ_CY (ZJHM);
CREATE INDEX FW_TJ_CY_JTBH ON FW_TJ_CY (JTBH);
