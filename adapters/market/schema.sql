-- 市场监督管理局 Market Regulation Bureau: legacy enterprise registration
-- database (企业登记注册系统), reference copy with synthetic data, see
-- adapters/datagen.
--
-- Every market entity (企业, 个体工商户) is keyed by the bureau's internal
-- entity id ZTSFDM (主体身份代码); its unified social credit code is an
-- attribute. Dates are 'YYYY/MM/DD', registered capital is text in 万元
-- (ten thousand yuan) as the registration form carried it. The legal
-- representative of a company, or the operator (经营者) of a sole
-- proprietorship, is recorded by name and identity number; registrations
-- made up to 2007 may hold the legacy 15-digit number. The adapter
-- (adapters/market) maps the tables to market.business_licence.

-- 市场主体类型 entity types.
CREATE TABLE DM_ZTLX (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_ZTLX (DM, MC) VALUES
  ('1130', '有限责任公司(自然人投资或控股)'),
  ('1151', '有限责任公司(自然人独资)'),
  ('9600', '个体工商户');

-- 登记状态 registration status.
CREATE TABLE DM_DJZT (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_DJZT (DM, MC) VALUES ('1', '存续'), ('2', '注销'), ('3', '吊销');

-- 业务类型 kinds of registration business in the change log.
CREATE TABLE DM_YWLX (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_YWLX (DM, MC) VALUES
  ('1', '设立登记'), ('2', '变更登记'), ('3', '注销登记');

-- 行政区划 districts (GB/T 2260) with a registration authority.
CREATE TABLE DM_XZQH (
  DM TEXT PRIMARY KEY,
  MC TEXT NOT NULL
);
INSERT INTO DM_XZQH (DM, MC) VALUES
  ('110101', '东城区'), ('110102', '西城区'), ('110105', '朝阳区'),
  ('110106', '丰台区'), ('110107', '石景山区'), ('110108', '海淀区'),
  ('110112', '通州区'), ('110114', '昌平区'), ('110115', '大兴区');

-- 市场主体登记信息 registered entities, in existence or not.
CREATE TABLE SC_ZTDJ (
  ZTSFDM    TEXT PRIMARY KEY,     -- 主体身份代码 (the bureau's entity id)
  TYSHXYDM  TEXT NOT NULL UNIQUE, -- 统一社会信用代码 (GB 32100)
  ZZJGDM    TEXT NOT NULL UNIQUE, -- 组织机构代码 (GB 11714, 9 characters)
  ZTMC      TEXT NOT NULL,        -- 名称
  ZTLX      TEXT NOT NULL,        -- 主体类型 -> DM_ZTLX
  FDDBR     TEXT NOT NULL,        -- 法定代表人 / 经营者 姓名
  FDDBRZJHM TEXT NOT NULL,        -- 法定代表人 / 经营者 身份证号码
  ZS        TEXT NOT NULL,        -- 住所 / 经营场所
  CSZMBH    TEXT,                 -- 住所使用证明: 不动产权证书号; NULL for a lease
  ZCZB      TEXT,                 -- 注册资本 (万元); NULL for 个体工商户
  JYFW      TEXT NOT NULL,        -- 经营范围
  QXDM      TEXT NOT NULL,        -- 登记机关所在区 -> DM_XZQH
  DJJG      TEXT NOT NULL,        -- 登记机关
  CLRQ      TEXT NOT NULL,        -- 成立日期
  DJZT      TEXT NOT NULL,        -- 登记状态 -> DM_DJZT
  ZXRQ      TEXT                  -- 注销日期; NULL unless 注销
);
CREATE INDEX SC_ZTDJ_FDDBRZJHM ON SC_ZTDJ (FDDBRZJHM);
CREATE INDEX SC_ZTDJ_ZTMC ON SC_ZTDJ (ZTMC);

-- 营业执照 business licences issued; a change of a recorded item reissues
-- the licence (the old one 换发作废), deregistration takes it back (缴销).
CREATE TABLE SC_YYZZ (
  ZZID   INTEGER PRIMARY KEY,
  ZTSFDM TEXT NOT NULL,          -- -> SC_ZTDJ
  ZZBH   TEXT NOT NULL UNIQUE,   -- 执照编号: region (6) + issue date (8) + serial (6)
  FZRQ   TEXT NOT NULL,          -- 发照日期
  ZZZT   TEXT NOT NULL           -- 执照状态: '1' 有效, '2' 换发作废, '3' 注销缴销
);
CREATE INDEX SC_YYZZ_ZTSFDM ON SC_YYZZ (ZTSFDM);

-- 登记业务记录 the registration history: establishment, changes (item,
-- before, after) and deregistration.
CREATE TABLE SC_DJJL (
  JLID   INTEGER PRIMARY KEY,
  ZTSFDM TEXT NOT NULL,          -- -> SC_ZTDJ
  YWLX   TEXT NOT NULL,          -- 业务类型 -> DM_YWLX
  BGSX   TEXT,                   -- 变更事项 (住所, 经营范围, ...); NULL unless 变更
  BGQNR  TEXT,                   -- 变更前内容
  BGHNR  TEXT,                   -- 变更后内容
  HZRQ   TEXT NOT NULL,          -- 核准日期
  SLBH   TEXT                    -- 受理编号: the application (a datarun case id)
);
CREATE INDEX SC_DJJL_ZTSFDM ON SC_DJJL (ZTSFDM);
