"""The public repayment simulator (SPEC 2.15): no login needed."""

from __future__ import annotations

from fastapi import APIRouter

from acom_contract.schemas import Simulation, SimulationRequest, SimulationRow
from mock_server.domain import simulator
from mock_server.errors import ApiError, responses, validation_error

router = APIRouter(tags=["simulator"])

# Published rates have at most two decimals. The limit also keeps exact arithmetic cheap: a rate
# like 1E-100000 would turn every interest step into a 100,000-digit division.
MAX_RATE_DECIMALS = 3


@router.post(
    "/v1/simulations/repayment",
    response_model=Simulation,
    responses=responses(422, 503),
)
def simulate(body: SimulationRequest) -> Simulation:
    """By ``monthly_payment`` (how many payments) or by ``payments`` (how much each time)."""
    by_payment = body.monthly_payment is not None
    by_count = body.payments is not None
    if by_payment == by_count:
        said = "not both" if by_payment else "one of them"
        message = f"give exactly one of monthly_payment or payments ({said})"
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            f"monthly_payment, payments: {message}",
            {
                "field": "monthly_payment",
                "errors": [
                    {"field": "monthly_payment", "message": message},
                    {"field": "payments", "message": message},
                ],
            },
        )
    exponent = body.annual_rate.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_RATE_DECIMALS:
        raise validation_error(
            "annual_rate",
            f"must have at most {MAX_RATE_DECIMALS} decimals",
            limit="rate_decimals",
            digits=MAX_RATE_DECIMALS,
        )
    try:
        if body.monthly_payment is not None:
            result = simulator.simulate_by_payment(
                body.amount, body.annual_rate, body.monthly_payment
            )
        else:
            assert body.payments is not None
            result = simulator.simulate_by_count(body.amount, body.annual_rate, body.payments)
    except simulator.SimulationError as exc:
        raise validation_error(exc.field, exc.message, limit=exc.limit, **exc.values) from exc
    schedule = [
        SimulationRow(
            number=row.number,
            day=row.day,
            payment=row.payment,
            interest=row.interest,
            principal=row.principal,
            balance=row.balance_after,
        )
        for row in result.schedule
    ]
    return Simulation(
        amount=body.amount,
        annual_rate=body.annual_rate,
        payments=result.payments,
        monthly_payment=result.monthly_payment,
        final_payment=result.schedule[-1].payment,
        total_interest=result.total_interest,
        total_paid=result.total_paid,
        schedule=schedule,
    )
