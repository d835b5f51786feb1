-- 不动产登记中心 Real-Estate Registration Center: legacy registration database
-- (reference copy with synthetic data, see adapters/datagen).
--
-- Column names follow the habits of the registry's old system: pinyin
-- initials, codes instead of words, dates as text, areas in 0.01 m² and
-- money in fen (0.01 yuan). The adapter (adapters/land) maps them to the
-- catalog fields of land.property_title and land.parcel.

-- 代码表 code tables -------------------------------------------------------

-- 行政区划 districts (GB/T 2260) the registry serves.
CREATE TABLE DM_XZQH (
  DM TEXT PRIMARY KEY,   -- 6-digit region code
  MC TEXT NOT NULL       -- name
);
INSERT INTO DM_XZQH (DM, MC) VALUES
  ('110101', '东城区'), ('110102', '西城区'), ('110105', '朝阳区'),
  ('110106', '丰台区'), ('110107', '石景山区'), ('110108', '海淀区'),
  ('110112', '通州区'), ('110114', '昌平区'), ('110115', '大兴区');

-- 土地用途 land-use classes (GB/T 21010).
CREATE TABLE DM_TDYT (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_TDYT (DM, MC) VALUES
  ('0505', '商务金融用地'), ('0501', '零售商业用地'),
  ('0701', '城镇住宅用地'), ('1201', '空闲地');

-- 权利性质 nature of the land use right.
CREATE TABLE DM_QLXZ (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_QLXZ (DM, MC) VALUES ('101', '划拨'), ('102', '出让');

-- 房屋用途 building use.
CREATE TABLE DM_FWYT (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_FWYT (DM, MC) VALUES
  ('10', '住宅'), ('30', '商业'), ('60', '办公'), ('81', '车位');

-- 共有方式 form of co-ownership.
CREATE TABLE DM_GYFS (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_GYFS (DM, MC) VALUES
  ('0', '单独所有'), ('1', '共同共有'), ('2', '按份共有');

-- 证件种类 identity document kinds of right holders.
CREATE TABLE DM_ZJZL (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_ZJZL (DM, MC) VALUES
  ('1', '居民身份证'), ('7', '统一社会信用代码');

-- 业务表 registration tables -----------------------------------------------

-- 宗地 land parcels.
CREATE TABLE BDC_ZD (
  ZDDM    TEXT PRIMARY KEY,  -- 宗地代码, 19 characters
  ZL      TEXT NOT NULL,     -- 坐落 location
  QXDM    TEXT NOT NULL,     -- 区县代码 -> DM_XZQH
  TDYT    TEXT NOT NULL,     -- 土地用途 -> DM_TDYT
  ZDMJ    INTEGER NOT NULL,  -- 宗地面积 in 0.01 m²
  QLXZ    TEXT NOT NULL,     -- 权利性质 -> DM_QLXZ
  SYQQSRQ TEXT,              -- 使用权起始日期 'YYYY-MM-DD'
  SYQJSRQ TEXT               -- 使用权结束日期 'YYYY-MM-DD'; NULL for 划拨
);

-- 房屋 building units (不动产单元).
CREATE TABLE BDC_FW (
  BDCDYH TEXT PRIMARY KEY,   -- 不动产单元号, 28 characters
  ZDDM   TEXT NOT NULL,      -- 宗地代码 -> BDC_ZD
  ZL     TEXT NOT NULL,      -- 坐落 address
  QXDM   TEXT NOT NULL,      -- 区县代码 -> DM_XZQH
  ZH     TEXT NOT NULL,      -- 幢号 building
  SZC    INTEGER,            -- 所在层 floor
  JZMJ   INTEGER NOT NULL,   -- 建筑面积 in 0.01 m²
  GHYT   TEXT NOT NULL       -- 规划用途 -> DM_FWYT
);
CREATE INDEX BDC_FW_ZDDM ON BDC_FW (ZDDM);

-- 权证 title certificates; one row per certificate ever issued.
CREATE TABLE BDC_QZ (
  QZID   INTEGER PRIMARY KEY, -- internal id
  QZH    TEXT NOT NULL UNIQUE,-- 证号, e.g. 京（2021）朝阳区不动产权第0012345号
  BDCDYH TEXT NOT NULL,       -- 不动产单元号 -> BDC_FW
  DJLX   TEXT NOT NULL,       -- 登记类型: 首次登记 / 转移登记
  GYFS   TEXT NOT NULL,       -- 共有方式 -> DM_GYFS
  DJSJ   TEXT NOT NULL,       -- 登簿时间 'YYYY-MM-DD HH:MM:SS'
  QSZT   INTEGER NOT NULL     -- 权属状态: 1 现势 (in force), 2 历史 (superseded)
);
CREATE INDEX BDC_QZ_BDCDYH ON BDC_QZ (BDCDYH);

-- 权利人 right holders of a certificate.
CREATE TABLE BDC_QLR (
  QLRID INTEGER PRIMARY KEY,
  QZID  INTEGER NOT NULL,     -- -> BDC_QZ
  SXH   INTEGER NOT NULL,     -- 顺序号 order on the certificate
  QLRMC TEXT NOT NULL,        -- 权利人名称
  ZJZL  TEXT NOT NULL,        -- 证件种类 -> DM_ZJZL
  ZJHM  TEXT NOT NULL,        -- 证件号码 identity number / credit code
  FE    TEXT                  -- 份额 '50%', '100%'; NULL under 共同共有
);
CREATE INDEX BDC_QLR_ZJHM ON BDC_QLR (ZJHM);
CREATE INDEX BDC_QLR_QZID ON BDC_QLR (QZID);

-- 抵押 mortgage registrations.
CREATE TABLE BDC_DYA (
  DYAID  INTEGER PRIMARY KEY,
  BDCDYH TEXT NOT NULL,       -- -> BDC_FW
  DYQR   TEXT NOT NULL,       -- 抵押权人 mortgagee
  DYJE   INTEGER NOT NULL,    -- 被担保债权数额 in fen
  DJSJ   TEXT NOT NULL,       -- 登簿时间 'YYYY-MM-DD HH:MM:SS'
  ZXSJ   TEXT                 -- 注销时间; NULL while in force
);
CREATE INDEX BDC_DYA_BDCDYH ON BDC_DYA (BDCDYH);

-- 查封 seizures.
CREATE TABLE BDC_CF (
  CFID   INTEGER PRIMARY KEY,
  BDCDYH TEXT NOT NULL,       -- -> BDC_FW
  CFJG   TEXT NOT NULL,       -- 查封机关 authority
  CFWH   TEXT NOT NULL,       -- 查封文号 order number
  CFSJ   TEXT NOT NULL,       -- 查封时间 'YYYY-MM-DD HH:MM:SS'
  JFSJ   TEXT                 -- 解封时间; NULL while in force
);
CREATE INDEX BDC_CF_BDCDYH ON BDC_CF (BDCDYH);
