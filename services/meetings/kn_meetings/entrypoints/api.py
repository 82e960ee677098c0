"""The meetings service's HTTP API: plans and meetings, attendance protocols."""

from fastapi import APIRouter

from kn_meetings.entrypoints import attendance, documents, erasure, plans

router = APIRouter(prefix="/v1")
router.include_router(plans.router)
router.include_router(attendance.router)
router.include_router(documents.router)
router.include_router(erasure.router)
