-- 税务局 Tax Bureau: legacy collection database, deed-tax part (reference
-- copy with synthetic data, see adapters/datagen).
--
-- Everything is keyed by the taxpayer identification number NSRSBH, the tax
-- bureau's own id (organisations: their credit code; natural persons: a
-- number the bureau assigned). Dates are 'YYYYMMDD', money in fen, areas in
-- 0.01 m², rates in 1/10000. The adapter (adapters/tax) maps the tables to
-- tax.deed_tax_assessment and tax.payment_certificate.

-- 征收项目 taxes.
CREATE TABLE DM_ZSXM (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_ZSXM (DM, MC) VALUES
  ('10101', '增值税'), ('10106', '个人所得税'), ('10119', '契税');

-- 纳税人登记信息 registered taxpayers.
CREATE TABLE DJ_NSRXX (
  NSRSBH TEXT PRIMARY KEY,      -- 纳税人识别号
  NSRMC  TEXT NOT NULL,         -- 纳税人名称
  NSRLX  TEXT NOT NULL,         -- 纳税人类型: '1' 自然人, '2' 单位
  ZJLX   TEXT NOT NULL,         -- 证件类型: '201' 居民身份证, '800' 统一社会信用代码
  ZJHM   TEXT NOT NULL,         -- 证件号码
  DJRQ   TEXT NOT NULL,         -- 登记日期
  ZGSWJG TEXT NOT NULL          -- 主管税务机关
);
CREATE INDEX DJ_NSRXX_ZJHM ON DJ_NSRXX (ZJHM);

-- 契税申报信息 deed tax filings and their assessment.
CREATE TABLE QS_SBXX (
  SBXH   TEXT PRIMARY KEY,      -- 申报序号
  NSRSBH TEXT NOT NULL,         -- -> DJ_NSRXX
  HTBH   TEXT NOT NULL,         -- 合同编号 (housing bureau's filing number)
  BDCDYH TEXT NOT NULL,         -- 不动产单元号
  JSJG   INTEGER NOT NULL,      -- 计税价格 in fen
  JZMJ   INTEGER NOT NULL,      -- 建筑面积 in 0.01 m²
  SL     INTEGER NOT NULL,      -- 税率 in 1/10000 (100 = 1%)
  YNSE   INTEGER NOT NULL,      -- 应纳税额 in fen
  SFSTFW TEXT NOT NULL,         -- 是否首套住房 'Y' / 'N'
  SBRQ   TEXT NOT NULL,         -- 申报日期
  HDRQ   TEXT NOT NULL          -- 核定日期
);
CREATE INDEX QS_SBXX_NSRSBH ON QS_SBXX (NSRSBH);

-- 完税证明 payment certificates.
CREATE TABLE WSZM (
  WSZMHM TEXT PRIMARY KEY,      -- 完税证明号码
  SBXH   TEXT,                  -- 申报序号 settled -> QS_SBXX
  NSRSBH TEXT NOT NULL,         -- -> DJ_NSRXX
  ZSXM   TEXT NOT NULL,         -- 征收项目 -> DM_ZSXM
  SJJE   INTEGER NOT NULL,      -- 实缴金额 in fen
  RKRQ   TEXT NOT NULL,         -- 入库日期
  ZFBZ   TEXT NOT NULL          -- 作废标志 'N' valid / 'Y' voided
);
CREATE INDEX WSZM_NSRSBH ON WSZM (NSRSBH);
