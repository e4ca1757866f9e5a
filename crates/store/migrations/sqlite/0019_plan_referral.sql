-- The referral a training plan follows: the expiry sweep leaves it alone while the plan is
-- not abandoned, and looks it up for each idle referral.
CREATE INDEX training_plans_referral ON training_plans (referral_id);
