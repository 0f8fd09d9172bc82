"""供应商征集 / 常态化入驻 supplier enrolment (MALL-6): apply at any time, one rule for all suppliers."""
